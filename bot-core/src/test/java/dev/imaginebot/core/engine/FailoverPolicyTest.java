package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.gradio.FailureCode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
  @Test
  void onlyTheUsersOwnInputAndTheAppsOwnAnswerEndTheJobWithoutFailover() {
    Set<FailureCode> ending =
        Arrays.stream(FailureCode.values())
            .filter(c -> !FailoverPolicy.decide(c).failover())
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(FailureCode.class)));
    assertThat(ending)
        .containsExactlyInAnyOrder(
            FailureCode.INPUT_REJECTED, FailureCode.APP_ERROR, FailureCode.FILE_REJECTED);
  }

  @Test
  void theSpacesOwnWordsAreShownOnlyForTheUsersInputAndTheAppsError() {
    for (FailureCode c : FailureCode.values()) {
      assertThat(FailoverPolicy.decide(c).showMessage())
          .as("%s", c)
          .isEqualTo(c == FailureCode.INPUT_REJECTED || c == FailureCode.APP_ERROR);
    }
  }

  @Test
  void everyCodeHasTheUsersWordingAndTheEngineAgrees() {
    for (FailureCode c : FailureCode.values()) {
      ErrorCode mapped = FailoverPolicy.decide(c).code();
      assertThat(mapped).as("%s", c).isNotNull().isEqualTo(JobEngine.map(c));
    }
    assertThat(JobEngine.map(FailureCode.ENDPOINT_NOT_FOUND)).isEqualTo(ErrorCode.MODEL_DEGRADED);
    assertThat(JobEngine.map(FailureCode.QUOTA_EXCEEDED)).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
  }
}
