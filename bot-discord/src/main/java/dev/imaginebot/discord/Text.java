package dev.imaginebot.discord;

import dev.imaginebot.core.UserText;

/** Discord's text rules: mentions defused, lengths capped. */
final class Text {
  static final int CONTENT_MAX = 2000;
  static final int EMBED_DESCRIPTION_MAX = 4096;
  static final int FIELD_MAX = 1024;
  static final int LABEL_MAX = 80;

  private Text() {}

  /**
   * The text with every mention made inert (a zero-width space after the {@code @}), in case some
   * text reached us unneutralised; allowed_mentions is empty on every message as well.
   */
  static String defuse(String text) {
    if (text == null) return "";
    return text.replace("@everyone", "@\u200beveryone")
        .replace("@here", "@\u200bhere")
        .replace("<@", "<@\u200b");
  }

  /** Defused and cut to {@code max} characters. */
  static String safe(String text, int max) {
    return UserText.cut(defuse(text), max);
  }
}
