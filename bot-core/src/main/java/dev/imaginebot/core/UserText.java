package dev.imaginebot.core;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Cutting and splitting text people read, only between user-perceived characters (grapheme clusters
 * as {@link BreakIterator} finds them): never half an emoji, never a letter without its accent.
 * Lengths are in UTF-16 units ({@link String#length()}), which is never less than what a platform
 * counts, so a result within a limit here is within the platform's limit too.
 */
public final class UserText {
  private static final String ELLIPSIS = "\u2026";

  private UserText() {}

  /**
   * {@code text} if it has at most {@code max} units, else its longest head that ends on a
   * character boundary and leaves room for an ellipsis, plus the ellipsis.
   *
   * @param text the text, or null (returned as is)
   * @param max the most units the result may have, at least 1
   */
  public static String cut(String text, int max) {
    if (max < 1) throw new IllegalArgumentException("max < 1: " + max);
    if (text == null || text.length() <= max) return text;
    return text.substring(0, boundaryAtOrBefore(text, max - ELLIPSIS.length())) + ELLIPSIS;
  }

  /**
   * {@code text} in parts of at most {@code max} units each, split after a line break where one
   * falls in the second half of a part, else after a space, else between two characters. The line
   * break or space a part ends on is dropped. Joined with those separators, the parts give {@code
   * text} back. An empty or short text is one part.
   *
   * @param max the most units one part may have, at least 2 (room for one surrogate pair)
   */
  public static List<String> split(String text, int max) {
    Objects.requireNonNull(text, "text == null");
    if (max < 2) throw new IllegalArgumentException("max < 2: " + max);
    List<String> parts = new ArrayList<>();
    String rest = text;
    while (rest.length() > max) {
      int end = lastIndexIn(rest, '\n', max / 2, max);
      int skip = 1;
      if (end < 0) end = lastSpaceIn(rest, max / 2, max);
      if (end < 0) {
        end = boundaryAtOrBefore(rest, max);
        skip = 0;
      }
      parts.add(rest.substring(0, end));
      rest = rest.substring(end + skip);
    }
    parts.add(rest);
    return List.copyOf(parts);
  }

  /** The last index of {@code c} in {@code [from, to]}, or -1. */
  private static int lastIndexIn(String s, char c, int from, int to) {
    int at = s.lastIndexOf(c, to);
    return at >= from ? at : -1;
  }

  private static int lastSpaceIn(String s, int from, int to) {
    for (int i = Math.min(to, s.length() - 1); i >= from; i--) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\u3000') return i;
    }
    return -1;
  }

  /** The last character boundary at or before {@code index} (0 when there is none but 0). */
  static int boundaryAtOrBefore(String text, int index) {
    if (index <= 0) return 0;
    if (index >= text.length()) return text.length();
    BreakIterator chars = BreakIterator.getCharacterInstance(Locale.ROOT);
    chars.setText(text);
    if (chars.isBoundary(index)) return index;
    int before = chars.preceding(index);
    return before == BreakIterator.DONE ? 0 : before;
  }
}
