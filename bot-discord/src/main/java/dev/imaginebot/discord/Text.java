package dev.imaginebot.discord;

import dev.imaginebot.core.UserText;
import java.util.List;

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
    // Idempotent, so that text defused once (a part of a split reply) is not changed again.
    return text.replace("@everyone", "@\u200beveryone")
        .replace("@here", "@\u200bhere")
        .replaceAll("<@(?!\u200b)", "<@\u200b");
  }

  /**
   * Defused, in message-sized parts ({@link #CONTENT_MAX}): a long reply continues in further
   * messages instead of being cut.
   */
  static List<String> parts(String text) {
    return UserText.split(defuse(text), CONTENT_MAX);
  }

  /** Defused and cut to {@code max} characters. */
  static String safe(String text, int max) {
    return UserText.cut(defuse(text), max);
  }
}
