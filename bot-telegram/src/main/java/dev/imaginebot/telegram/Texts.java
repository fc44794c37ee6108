package dev.imaginebot.telegram;

import dev.imaginebot.core.UserText;

/** Telegram's length limits, applied to text the core wrote. */
final class Texts {
  static final int MESSAGE_LIMIT = 4096;
  static final int CAPTION_LIMIT = 1024;
  static final int ALERT_LIMIT = 200;

  private Texts() {}

  static String message(String text) {
    return cut(text == null || text.isBlank() ? "…" : text, MESSAGE_LIMIT);
  }

  static String caption(String text) {
    return text == null ? null : cut(text, CAPTION_LIMIT);
  }

  static String alert(String text) {
    return text == null ? null : cut(text, ALERT_LIMIT);
  }

  private static String cut(String text, int limit) {
    return UserText.cut(text, limit);
  }
}
