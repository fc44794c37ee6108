package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.engine.Attempt.State;
import dev.imaginebot.core.model.Backend;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The life of one attempt, step by step: no threads, no database, no Space. */
class AttemptTest {
  final ModelRegistry registry =
      new ModelRegistry(
          List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("owner/flux")))),
          null,
          new FakeSpaceGateway(),
          Clock.systemUTC());
  final Backend backend = registry.models().get(0).backends().get(0);

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void aCallGoesFromSubmittedThroughTheSpacesQueueAndRunToItsFiles() {
    Attempt a = Attempt.starting(backend);
    assertThat(a.state()).isEqualTo(State.STARTING);
    assertThat(a.submitted()).isTrue();
    assertThat(a.queued()).isTrue();
    assertThat(a.queued()).as("a new place in the Space's queue").isTrue();
    assertThat(a.state()).isEqualTo(State.QUEUED);
    assertThat(a.running()).isTrue();
    assertThat(a.firstRun()).as("persisted once").isTrue();
    assertThat(a.running()).as("more progress").isTrue();
    assertThat(a.firstRun()).isFalse();
    assertThat(a.completed()).isTrue();
    assertThat(a.state()).isEqualTo(State.COLLECTING);
    a.succeeded();
    assertThat(a.state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void moreVariationsAreAnotherCallOfTheSameAttemptThatRunsWithoutPersistingAgain() {
    Attempt a = Attempt.starting(backend);
    a.submitted();
    a.running();
    a.firstRun();
    a.completed();
    assertThat(a.submitted()).isTrue();
    assertThat(a.state()).isEqualTo(State.SUBMITTED);
    assertThat(a.running()).isTrue();
    assertThat(a.firstRun()).isFalse();
    assertThat(a.completed()).isTrue();
  }

  @Test
  void lateSpaceEventsChangeNothing() {
    Attempt a = Attempt.starting(backend);
    assertThat(a.queued()).as("nothing was sent yet").isFalse();
    assertThat(a.running()).isFalse();
    assertThat(a.completed()).isFalse();
    a.submitted();
    a.running();
    assertThat(a.queued()).as("a place in the queue after the start").isFalse();
    a.completed();
    assertThat(a.running()).as("progress after the result").isFalse();
    assertThat(a.completed()).as("a second result").isFalse();
    assertThat(a.state()).isEqualTo(State.COLLECTING);
    a.failed();
    assertThat(a.queued()).isFalse();
    assertThat(a.running()).isFalse();
    assertThat(a.completed()).isFalse();
    assertThat(a.state()).isEqualTo(State.FAILED);
  }

  @Test
  void theEnginesIllegalMovesAreRefused() {
    Attempt a = Attempt.starting(backend);
    assertThatThrownBy(a::succeeded).isInstanceOf(IllegalStateException.class);
    a.submitted();
    assertThatThrownBy(a::submitted).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(a::succeeded).isInstanceOf(IllegalStateException.class);
    a.failed();
    assertThatThrownBy(a::failed).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(a::cancelled).isInstanceOf(IllegalStateException.class);
    assertThat(a.submitted()).as("an ended attempt sends nothing").isFalse();
  }

  @Test
  void cancellingHandsBackTheCallOnTheSpaceAndAnEndedAttemptHoldsNone() {
    AtomicInteger cancels = new AtomicInteger();
    SpaceGateway.Call call = cancels::incrementAndGet;
    Attempt a = Attempt.starting(backend);
    a.submitted();
    assertThat(a.holds(call)).isTrue();
    a.queued();
    assertThat(a.cancelled()).isSameAs(call);
    assertThat(a.state()).isEqualTo(State.CANCELLED);
    assertThat(a.holds(call)).as("the caller cancels it").isFalse();

    Attempt starting = Attempt.starting(backend);
    assertThat(starting.cancelled()).as("nothing was sent").isNull();
    assertThat(cancels).hasValue(0);
  }

  @Test
  void anAttemptRecoveredWithItsFilesOnlyCollects() {
    Attempt a = Attempt.collecting(backend);
    assertThat(a.backend()).isSameAs(backend);
    assertThat(a.running()).isFalse();
    assertThat(a.completed()).isFalse();
    a.succeeded();
    assertThat(a.state()).isEqualTo(State.SUCCEEDED);
  }
}
