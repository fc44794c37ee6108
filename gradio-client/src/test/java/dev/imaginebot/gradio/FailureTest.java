package dev.imaginebot.gradio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class FailureTest {
  @Test
  void anUnreachableFailureTakesItsReasonFromTheCauseChain() {
    Failure bare = Failure.of(FailureCode.UNREACHABLE, "Could not reach the app.");
    assertThat(new GradioException(bare, new UnknownHostException("x")).failure().unreachable())
        .contains(Failure.Unreachable.NAME_NOT_RESOLVED);
    assertThat(
            new GradioException(bare, new IOException(new ConnectException("no")))
                .failure()
                .unreachable())
        .contains(Failure.Unreachable.REFUSED);
    assertThat(new GradioException(bare, new SocketTimeoutException()).failure().unreachable())
        .contains(Failure.Unreachable.TIMED_OUT);
    assertThat(new GradioException(bare, new IOException("reset")).failure().unreachable())
        .isEmpty();
  }

  @Test
  void otherFailuresNeverCarryAnUnreachableReason() {
    Failure lost = Failure.of(FailureCode.CONNECTION_LOST, "lost");
    assertThat(new GradioException(lost, new UnknownHostException("x")).failure()).isEqualTo(lost);
    assertThatThrownBy(() -> lost.withUnreachable(Failure.Unreachable.REFUSED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReasonsPhraseIsWhatTheMessageSays() {
    assertThat(Failure.Unreachable.NAME_NOT_RESOLVED.phrase())
        .isEqualTo(FailureCode.UNREACHABLE_DNS);
  }
}
