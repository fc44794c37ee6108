package dev.imaginebot.core.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.Onboarding;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessagesTest {
  private final Messages messages = new Messages("en");

  @Test
  void bothLanguagesHaveExactlyTheSameKeys() {
    assertThat(messages.keys("zh-CN")).containsExactlyInAnyOrderElementsOf(messages.keys("en"));
    assertThat(messages.keys("en")).hasSizeGreaterThan(100);
  }

  @Test
  void everyErrorCodeHasTextAndHintInEveryLanguage() {
    for (String lang : Messages.LANGUAGES) {
      for (ErrorCode code : ErrorCode.values()) {
        assertThat(messages.keys(lang)).contains("error." + code.name(), "hint." + code.name());
        assertThat(messages.error(lang, code, "x", "y")).isNotBlank();
      }
    }
  }

  @Test
  void everyOnboardingProblemHasTextInEveryLanguage() {
    for (String lang : Messages.LANGUAGES) {
      for (Onboarding.Problem.Kind kind : Onboarding.Problem.Kind.values()) {
        Onboarding.Problem problem = new Onboarding.Problem(kind, List.of("/a", "/b"));
        assertThat(messages.keys(lang)).contains(problem.messageKey());
        assertThat(messages.text(lang, problem.messageKey(), problem.args().toArray()))
            .contains("/a")
            .doesNotContain("{0}", "{1}");
      }
    }
  }

  @Test
  void everyDegradedCauseHasTextInEveryLanguage() {
    for (String lang : Messages.LANGUAGES) {
      assertThat(messages.keys(lang)).contains("degraded.unknown");
      for (BackendStatus.Cause cause : BackendStatus.Cause.values()) {
        assertThat(messages.keys(lang)).contains(cause.messageKey());
        assertThat(messages.degraded(lang, cause.messageKey()))
            .isEqualTo(messages.text(lang, cause.messageKey()))
            .doesNotContain("{");
      }
    }
  }

  @Test
  void degradedFailureIsWordedInTheUsersLanguageWithoutInternalText() {
    String key = BackendStatus.Cause.SPACE_NOT_FOUND.messageKey();
    String zh =
        messages.describe(
            new JobEvent.Failed(1, ErrorCode.MODEL_DEGRADED, key, Optional.empty()), "zh-CN");
    assertThat(zh).contains(messages.text("zh-CN", key)).doesNotContain("degraded.", "Space not");
    assertThat(messages.error("en", ErrorCode.MODEL_DEGRADED, key))
        .contains("its Space could not be found");
  }

  @Test
  void degradedDetailThatIsNotACauseKeyIsNeverShown() {
    String internal = "endpoint /predict is gone; the Space has /run";
    String shown =
        messages.describe(
            new JobEvent.Failed(1, ErrorCode.MODEL_DEGRADED, internal, Optional.empty()), "en");
    assertThat(shown).doesNotContain("/predict").contains(messages.text("en", "degraded.unknown"));
    assertThat(messages.error("zh-CN", ErrorCode.MODEL_DEGRADED, internal))
        .doesNotContain("/predict");
  }

  @Test
  void languagesAreChosenByTag() {
    assertThat(Messages.normalize("zh-TW")).isEqualTo("zh-CN");
    assertThat(Messages.normalize("en-GB")).isEqualTo("en");
    assertThat(Messages.normalize("fr")).isNull();
    assertThat(messages.describe(new JobEvent.Cancelled(1), "zh")).isEqualTo("已取消。");
    assertThat(messages.describe(new JobEvent.Cancelled(1), "de")).isEqualTo("Cancelled.");
  }

  @Test
  void progressIsABar() {
    assertThat(Messages.progressBar(3, 8, null)).isEqualTo("▰▰▰▰▱▱▱▱▱▱ 3/8");
    assertThat(messages.describe(new JobEvent.Progress(1, 8, 8, 1.0), "en"))
        .isEqualTo("Generating ▰▰▰▰▰▰▰▰▰▰ 8/8");
  }

  @Test
  void completedShowsPromptModelSeedAndTime() {
    String text =
        messages.describe(
            new JobEvent.Completed(1, "a fox", "flux", 1234567L, Duration.ofSeconds(75), List.of()),
            "en");
    assertThat(text).isEqualTo("Done: \"a fox\" · flux · seed 1234567 · 1 min 15 s");
  }

  @Test
  void quotaHintSaysWhenAndWhatElse() {
    String text =
        messages.describe(
            new JobEvent.Failed(
                1, ErrorCode.QUOTA_EXCEEDED, "mj", Optional.of(Duration.ofMinutes(3))),
            "en");
    assertThat(text).contains("quota").contains("3 min 0 s").contains("mj");
  }

  @Test
  void echoedTextCannotMentionAnyone() {
    String text =
        messages.describe(
            new JobEvent.Completed(
                1, "@everyone look <@123> @here", "flux", null, Duration.ZERO, List.of()),
            "en");
    assertThat(text).doesNotContain("@everyone", "@here", "<@1");
    assertThat(text).contains("@\u200Beveryone");
  }
}
