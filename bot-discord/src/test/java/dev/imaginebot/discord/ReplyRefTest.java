package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyRefTest {
  @Test
  void survivesARoundTripAndKeepsTheTokenOutOfToString() {
    ReplyRef ref =
        new ReplyRef(
            "aW50ZXJhY3Rpb24-token_x", 1_700_000_000_000L, 0, -2L, 42, false, 7, "zh-CN", 1024);
    assertThat(ReplyRef.decode(ref.encode())).isEqualTo(ref);
    assertThat(ref.toString()).doesNotContain("token");
  }

  @Test
  void refusesWhatItDidNotWrite() {
    assertThatThrownBy(() -> ReplyRef.decode("telegram:1:2"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReplyRef.decode("d1|t|x|0|0|0|o|0|en|1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textCapsLength() {
    assertThat(Text.safe("x".repeat(3000), Text.CONTENT_MAX)).hasSize(Text.CONTENT_MAX);
  }
}
