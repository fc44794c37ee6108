package dev.imaginebot.discord;

/** Message keys for the few labels only Discord shows (the core's bundles hold the text). */
final class Labels {
  static final String REROLL = "button.reroll";
  static final String VARY = "button.vary";
  static final String DELETE = "button.delete";

  private Labels() {}
}
