package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void zeroGpuQuotaWithRetryHintIsClassifiedAndParsed() {
    Failure f =
        Failures.appError(
            "Error",
            "You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging Face"
                + " to get more quotas or retry in 0:09:48.");
    assertThat(f.code()).isEqualTo(FailureCode.QUOTA_EXCEEDED);
    assertThat(f.retryAfter()).contains(Duration.ofMinutes(9).plusSeconds(48));
  }

  @Test
  void quotaTitleWinsAndHtmlIsStripped() {
    Failure f =
        Failures.appError(
            "ZeroGPU quota exceeded",
            "You have exceeded your free GPU quota. <a href=\"https://hf.co/join\">Create a free"
                + " account</a> to get more usage quota.");
    assertThat(f.code()).isEqualTo(FailureCode.QUOTA_EXCEEDED);
    assertThat(f.message())
        .isEqualTo(
            "You have exceeded your free GPU quota. Create a free account to get more usage quota.")
        .doesNotContain("<", "href");
    assertThat(f.retryAfter()).isEmpty();
  }

  @Test
  void aLongErrorIsCutBetweenCharactersNeverInsideAnEmoji() {
    // U+1F525 fire: two UTF-16 units; a cut by units alone would leave half of one.
    String error = "\ud83d\udd25".repeat(2000);
    String message = Failures.stripHtml(error);
    assertThat(message).endsWith("\u2026");
    String head = message.substring(0, message.length() - 1);
    assertThat(head.length() % 2).isZero();
    assertThat(error).startsWith(head);
  }

  @Test
  void otherRetryHints() {
    assertThat(Failures.retryHint("Try again in 5:00")).contains(Duration.ofMinutes(5));
    assertThat(Failures.retryHint("please try again in 2 minutes 30 seconds"))
        .contains(Duration.ofSeconds(150));
    assertThat(Failures.retryHint("no hint")).isEqualTo(Optional.empty());
  }

  @Test
  void appErrorKeepsTheAppsTextWithoutQuotesOrTags() {
    Failure f = Failures.appError("Error", "'<b>Bad</b> prompt &amp; stuff'");
    assertThat(f).isEqualTo(Failure.of(FailureCode.APP_ERROR, "Bad prompt & stuff"));
    assertThat(Failures.appError("Error", null).message())
        .isEqualTo("The app raised an error without a message.");
  }
}
