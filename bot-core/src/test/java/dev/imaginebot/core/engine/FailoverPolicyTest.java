package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.model.SpaceFailure.Kind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
  @Test
  void onlyTheUsersOwnInputAndTheAppsOwnAnswerEndTheJobWithoutFailover() {
    Set<Kind> ending =
        Arrays.stream(Kind.values())
            .filter(c -> !FailoverPolicy.decide(c).failover())
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Kind.class)));
    assertThat(ending)
        .containsExactlyInAnyOrder(Kind.INPUT_REJECTED, Kind.APP_ERROR, Kind.FILE_REJECTED);
  }

  @Test
  void theSpacesOwnWordsAreShownOnlyForTheUsersInputAndTheAppsError() {
    for (Kind c : Kind.values()) {
      assertThat(FailoverPolicy.decide(c).showMessage())
          .as("%s", c)
          .isEqualTo(c == Kind.INPUT_REJECTED || c == Kind.APP_ERROR);
    }
  }

  @Test
  void everyKindHasTheUsersWordingAndTheDecisionAgrees() {
    for (Kind c : Kind.values()) {
      ErrorCode mapped = FailoverPolicy.decide(c).code();
      assertThat(mapped).as("%s", c).isNotNull().isEqualTo(FailoverPolicy.map(c));
    }
    assertThat(FailoverPolicy.map(Kind.ENDPOINT_MISSING)).isEqualTo(ErrorCode.MODEL_DEGRADED);
    assertThat(FailoverPolicy.map(Kind.QUOTA_EXCEEDED)).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    assertThat(FailoverPolicy.map(Kind.UNREACHABLE)).isEqualTo(ErrorCode.SPACE_UNREACHABLE);
  }

  @Test
  void onlyAMissingEndpointOrRejectedInputRereadsTheApi() {
    for (Kind c : Kind.values()) {
      assertThat(FailoverPolicy.decide(c).recheckApi())
          .as("%s", c)
          .isEqualTo(c == Kind.ENDPOINT_MISSING || c == Kind.INPUT_REJECTED);
    }
  }

  @Test
  void theUnreachableReasonIsReadFromTheValueNotTheWords() {
    assertThat(
            FailoverPolicy.unreachableReason(
                SpaceFailure.unreachable(
                    SpaceFailure.Unreachable.NAME_NOT_RESOLVED, "the connection was refused")))
        .isEqualTo("reason.unreachable.dns");
    assertThat(
            FailoverPolicy.unreachableReason(
                SpaceFailure.unreachable(SpaceFailure.Unreachable.TIMED_OUT, "")))
        .isEqualTo("reason.unreachable.timeout");
    assertThat(
            FailoverPolicy.unreachableReason(
                SpaceFailure.unreachable(null, "its host name did not resolve")))
        .isNull();
  }
}
