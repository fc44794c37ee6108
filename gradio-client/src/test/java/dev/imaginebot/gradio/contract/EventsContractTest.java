package dev.imaginebot.gradio.contract;

import static dev.imaginebot.gradio.contract.Contract.completed;
import static dev.imaginebot.gradio.contract.Contract.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.Prediction;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Progress, queueing, generators and cancellation on every pinned release. */
class EventsContractTest {

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void progressStepsArriveWithDescAndUnit(String version) throws Exception {
    try (GradioClient client = connect(version, "progress")) {
      Recorder events = new Recorder();
      client.submit("/count", Arguments.positional(4), events);
      Prediction prediction = completed(events.terminal());

      assertThat(prediction.data()).containsExactly("counted 4");
      List<Event.Progress> progress = events.seen(Event.Progress.class);
      assertThat(progress).as("progress events in %s", events.seen()).isNotEmpty();
      Event.ProgressUnit unit = progress.get(progress.size() - 1).units().get(0);
      assertThat(unit.desc()).isEqualTo("Counting");
      assertThat(unit.unit()).isEqualTo("steps");
      assertThat(unit.length()).isEqualTo(4);
      assertThat(unit.index()).isBetween(0, 4);
      assertThat(events.seen(Event.Started.class)).hasSize(1);
      assertThat(events.seen().indexOf(events.seen(Event.Started.class).get(0)))
          .isLessThan(events.seen().indexOf(progress.get(0)));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void generatorDeliversIntermediateOutputsThenCompletes(String version) throws Exception {
    try (GradioClient client = connect(version, "stream")) {
      Recorder events = new Recorder();
      client.submit("/generate", Arguments.positional("a comet", 3), events);
      Prediction prediction = completed(events.terminal());

      List<Event.Output> outputs = events.seen(Event.Output.class);
      assertThat(outputs).as("outputs in %s", events.seen()).hasSizeGreaterThanOrEqualTo(2);
      List<Object> texts = outputs.stream().map(o -> o.data().get(1)).toList();
      // Generator updates after the first are diffs from sse_v2 on; applied, they rebuild the text.
      assertThat(texts).startsWith("frame 1", "frame 1 frame 2");
      assertThat(outputs.get(0).files()).hasSize(1);
      assertThat(
              Contract.decode(client.download(outputs.get(0).files().get(0), 1 << 20)).getWidth())
          .isEqualTo(16);
      assertThat(prediction.data().get(1)).isEqualTo("frame 1 frame 2 frame 3");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void secondJobQueuesBehindTheHeldWorkerThenBothComplete(String version) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    String key = UUID.randomUUID().toString();
    try (GradioClient client = connect(version, "queue")) {
      Recorder first = new Recorder();
      Recorder second = new Recorder();
      Job a = client.submit("/hold", Arguments.positional(key, 60), first);
      first.until(e -> e instanceof Event.Started);

      Job b = client.submit("/hold", Arguments.positional(key, 60), second);
      Event queued = second.until(e -> e instanceof Event.Queued);
      assertThat(((Event.Queued) queued).rank()).isGreaterThanOrEqualTo(0);
      assertThat(second.seen(Event.Started.class)).isEmpty();

      server.release(key);
      assertThat(completed(first.terminal()).data()).containsExactly("released " + key);
      assertThat(completed(second.terminal()).data()).containsExactly("released " + key);
      assertThat(a.result()).isCompleted();
      assertThat(b.result()).isCompleted();
      assertThat(second.seen(Event.Started.class)).hasSize(1);
    } finally {
      server.release(key);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void cancellingAHeldJobGivesCancelledExactlyOnce(String version) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    String key = UUID.randomUUID().toString();
    try (GradioClient client = connect(version, "queue")) {
      Recorder events = new Recorder();
      Job job = client.submit("/hold", Arguments.positional(key, 60), events);
      events.until(e -> e instanceof Event.Started);

      job.cancel();
      assertThat(events.terminal()).isInstanceOf(Event.Cancelled.class);
      job.cancel();
      events.assertNoMoreEvents();
      assertThat(job.result()).isCompletedExceptionally();
      Throwable cause = causeOf(job);
      assertThat(cause).isNotNull();

      // The worker is usable again afterwards (the server thread is released below in any case).
      server.release(key);
      Recorder after = new Recorder();
      client.submit("/hold", Arguments.positional(key, 60), after);
      assertThat(completed(after.terminal()).data()).containsExactly("released " + key);
    } finally {
      server.release(key);
    }
  }

  /**
   * Cancelling a job that still waits in the queue must not touch the running job of the same
   * endpoint. A trap on 4.31+: {@code POST /cancel} cancels every running task named {@code
   * <session>_<fn_index>}, so two jobs of one endpoint in one session cancel together unless the
   * client gives a job its own session (protocol spec, section 5).
   */
  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void cancellingAQueuedJobLeavesTheRunningOneAlone(String version) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    String key = UUID.randomUUID().toString();
    try (GradioClient client = connect(version, "queue")) {
      Recorder first = new Recorder();
      Recorder second = new Recorder();
      client.submit("/hold", Arguments.positional(key, 60), first);
      first.until(e -> e instanceof Event.Started);
      Job queued = client.submit("/hold", Arguments.positional(key, 60), second);
      second.until(e -> e instanceof Event.Queued);

      queued.cancel();
      assertThat(second.terminal()).isInstanceOf(Event.Cancelled.class);
      server.release(key);
      assertThat(completed(first.terminal()).data()).containsExactly("released " + key);
    } finally {
      server.release(key);
    }
  }

  private static Throwable causeOf(Job job) throws InterruptedException {
    try {
      job.result().get();
      return null;
    } catch (ExecutionException | CompletionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }
}
