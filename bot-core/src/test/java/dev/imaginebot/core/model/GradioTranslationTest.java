package dev.imaginebot.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.Prediction;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GradioTranslationTest {
  @Test
  void everyGradioCodeHasAKind() {
    for (FailureCode code : FailureCode.values()) {
      assertThat(GradioTranslation.failure(Failure.of(code, "x")).kind())
          .as("%s", code)
          .isNotNull();
    }
  }

  @Test
  void theClientsStructuredUnreachableReasonIsKept() {
    Failure refused =
        new GradioException(
                Failure.of(FailureCode.UNREACHABLE, "Could not reach the app."),
                new ConnectException("refused"))
            .failure();
    SpaceFailure f = GradioTranslation.failure(refused);
    assertThat(f.kind()).isEqualTo(SpaceFailure.Kind.UNREACHABLE);
    assertThat(f.unreachable()).contains(SpaceFailure.Unreachable.REFUSED);
    assertThat(f.detail()).isEqualTo("Could not reach the app.");
  }

  @Test
  void aSpacesOwnCancelIsALostConnectionAndARefusedHostIsASpaceDown() {
    assertThat(GradioTranslation.failure(Failure.of(FailureCode.CANCELLED, "c")).kind())
        .isEqualTo(SpaceFailure.Kind.CONNECTION_LOST);
    assertThat(GradioTranslation.failure(Failure.of(FailureCode.HOST_REFUSED, "h")).kind())
        .isEqualTo(SpaceFailure.Kind.SPACE_DOWN);
    assertThat(GradioTranslation.failure(Failure.of(FailureCode.ENDPOINT_NOT_FOUND, "e")).kind())
        .isEqualTo(SpaceFailure.Kind.ENDPOINT_MISSING);
  }

  @Test
  void theRetryHintAndTheCompletedFilesCarryOver() {
    SpaceFailure quota =
        GradioTranslation.failure(
            new Failure(FailureCode.QUOTA_EXCEEDED, "q", Optional.of(Duration.ofMinutes(3))));
    assertThat(quota.retryAfter()).contains(Duration.ofMinutes(3));

    FileRef png = new FileRef("http://s/file=a.png", "/tmp/a.png", "a.png", "image/png", "cap");
    SpaceEvent done =
        GradioTranslation.event(
            new Event.Completed(new Prediction(List.of(), List.of(png), Duration.ZERO)));
    assertThat(done)
        .isEqualTo(
            new SpaceEvent.Completed(
                List.of(new SpaceFile("http://s/file=a.png", "/tmp/a.png", "image/png"))));
    assertThat(GradioTranslation.event(new Event.Log("info", "hi", null))).isNull();
  }
}
