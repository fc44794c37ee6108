package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import java.util.ArrayList;
import java.util.List;

/** Starts the chat front-ends the settings enable; each result closes one of them. */
final class FrontEnds {
  private FrontEnds() {}

  static List<AutoCloseable> start(Settings settings, Bot bot, Messages messages) {
    List<AutoCloseable> started = new ArrayList<>();
    return started;
  }
}
