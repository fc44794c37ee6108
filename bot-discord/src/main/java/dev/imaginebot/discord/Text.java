package dev.imaginebot.discord;

import dev.imaginebot.core.UserText;
import java.util.List;

/**
 * Discord's text lengths. Mentions are defused once, in the core (every text it makes), and no
 * message allows any mention ({@code allowed_mentions} is empty): nothing here adds a second
 * zero-width space.
 */
final class Text {
  static final int CONTENT_MAX = 2000;
  static final int EMBED_DESCRIPTION_MAX = 4096;
  static final int FIELD_MAX = 1024;
  static final int LABEL_MAX = 80;

  private Text() {}

  /**
   * In message-sized parts ({@link #CONTENT_MAX}): a long reply continues in further messages
   * instead of being cut.
   */
  static List<String> parts(String text) {
    return UserText.split(text == null ? "" : text, CONTENT_MAX);
  }

  /** Cut to {@code max} characters; null is empty. */
  static String safe(String text, int max) {
    return UserText.cut(text == null ? "" : text, max);
  }
}
