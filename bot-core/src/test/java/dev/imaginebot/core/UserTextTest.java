package dev.imaginebot.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserTextTest {
  // U+1F98A fox face: two UTF-16 units.
  private static final String FOX = "\ud83e\udd8a";

  @Test
  void shortTextIsNotCut() {
    assertThat(UserText.cut("a fox", 5)).isEqualTo("a fox");
    assertThat(UserText.cut(null, 5)).isNull();
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    // "ab" + fox + "c": a cut at 4 leaves 3 units before the ellipsis, which would end mid-fox.
    String cut = UserText.cut("ab" + FOX + "c", 4);
    assertThat(cut).isEqualTo("ab\u2026");
  }

  @Test
  void cutNeverSeparatesALetterFromItsAccent() {
    // "e" + combining acute accent is one character on screen.
    String cut = UserText.cut("cafe\u0301s", 5);
    assertThat(cut).isEqualTo("caf\u2026");
  }

  @Test
  void cutKeepsWithinTheLimit() {
    String text = "\u4e00\u53ea\u732b".repeat(100);
    String cut = UserText.cut(text, 100);
    assertThat(cut).hasSize(100).endsWith("\u2026");
  }

  @Test
  void splitPrefersLineBreaks() {
    List<String> parts = UserText.split("one two\nthree four\nfive", 12);
    assertThat(parts).containsExactly("one two", "three four", "five");
  }

  @Test
  void splitFallsBackToSpacesThenCharacters() {
    assertThat(UserText.split("aaaa bbbb cccc", 9)).containsExactly("aaaa bbbb", "cccc");
    assertThat(UserText.split("abcdefgh", 3)).containsExactly("abc", "def", "gh");
  }

  @Test
  void splitNeverHalvesAnEmojiAndEachPartFits() {
    String text = (FOX + "x").repeat(50);
    List<String> parts = UserText.split(text, 7);
    assertThat(String.join("", parts)).isEqualTo(text);
    assertThat(parts)
        .allSatisfy(
            p -> {
              assertThat(p.length()).isLessThanOrEqualTo(7);
              assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
              assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
            });
  }

  @Test
  void shortTextIsOnePart() {
    assertThat(UserText.split("", 10)).containsExactly("");
    assertThat(UserText.split("hello", 10)).containsExactly("hello");
  }
}
