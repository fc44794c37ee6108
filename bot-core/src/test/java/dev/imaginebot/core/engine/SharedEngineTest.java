package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobLeases;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.PostgresServer;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.FakeSpaceGateway.FakeCall;
import dev.imaginebot.core.testing.RecordingView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines, as two bot instances, sharing one queue on one PostgreSQL database: the running caps
 * and the fair order hold over both, a job started by an instance that dies is taken over by the
 * other once its lease runs out (same parameters, delivered once), and a cancel pressed on one
 * instance stops the job where it runs.
 */
class SharedEngineTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final ChatRef CHAT = new ChatRef("console", "room", true);

  @TempDir Path dir;
  private final FakeTimer timer = new FakeTimer();
  private final FakeSpaceGateway gateway = new FakeSpaceGateway();
  private final List<AutoCloseable> open = new ArrayList<>();
  private String url;

  /** One instance: its engine, its store, and the views it made for jobs it did not receive. */
  private final class Instance {
    final Database db;
    final JobStore jobs;
    final JobEngine engine;
    final Map<Long, RecordingView> views = new ConcurrentHashMap<>();

    Instance(String name, Limits limits, List<ModelConfig> models) {
      db = Database.open(url, dir.resolve(name), timer);
      jobs = new JobStore(db);
      ModelRegistry registry = new ModelRegistry(models, null, gateway, timer);
      engine =
          new JobEngine(
              jobs,
              new ImageStore(dir.resolve(name), db),
              registry,
              gateway,
              limits,
              Duration.ZERO,
              1000,
              timer,
              timer,
              new JobEngine.Cluster(
                  db, name, LEASE, r -> views.computeIfAbsent(r.id(), id -> new RecordingView())));
      open.add(db);
      open.add(registry);
      open.add(engine);
      engine.startSharing();
    }

    long submit(String user, String prompt, RecordingView view) {
      JobEngine.Submitted s =
          engine.submit(
              new UserRef("console", user, user, "en"),
              CHAT,
              "ref-" + prompt,
              GenerationRequest.of(prompt).withModel("flux"),
              view);
      assertThat(s.ok()).as("submitted %s: %s", prompt, s.error()).isTrue();
      return s.jobId();
    }

    /** The view of a job, whether this instance received it or made one for it. */
    RecordingView view(long id) {
      await().atMost(Duration.ofSeconds(10)).until(() -> views.containsKey(id));
      return views.get(id);
    }
  }

  private static List<ModelConfig> oneBackend(int concurrency) {
    return List.of(
        new ModelConfig(
            "flux",
            "FLUX",
            List.of(new BackendConfig("a", null, Map.of(), Map.of(), concurrency))));
  }

  @BeforeEach
  void database() {
    url = PostgresServer.shared().createDatabase();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  @Test
  void aBackendsConcurrencyHoldsOverBothInstances() {
    Instance a = new Instance("a", new Limits(1, 5, 8, 1000, 1 << 20), oneBackend(1));
    Instance b = new Instance("b", new Limits(1, 5, 8, 1000, 1 << 20), oneBackend(1));
    long first = a.submit("alice", "one", new RecordingView());
    long second = b.submit("bob", "two", new RecordingView());

    FakeCall call = gateway.nextCall();
    long running = call.args.get(0).equals("one") ? first : second;
    long other = running == first ? second : first;
    assertThat(a.jobs.find(other).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    call.complete(1);

    // The other instance's job starts only once the one slot on "a" is free again.
    FakeCall next = gateway.nextCall();
    assertThat(a.jobs.find(running).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(next.args.get(0)).isEqualTo(running == first ? "two" : "one");
    next.complete(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.jobs.find(other).orElseThrow().state() == JobState.SUCCEEDED);
  }

  @Test
  void usersTakeTurnsInJoinOrderWhicheverInstanceTheyAsked() {
    Instance a = new Instance("a", new Limits(1, 5, 1, 1000, 1 << 20), oneBackend(1));
    Instance b = new Instance("b", new Limits(1, 5, 1, 1000, 1 << 20), oneBackend(1));
    // u1 runs; u1, u2, u3 wait with two jobs each, asked alternately on both instances.
    a.submit("u0", "u0-1", new RecordingView());
    FakeCall blocker = gateway.nextCall();
    for (int round = 1; round <= 2; round++) {
      for (int u = 1; u <= 3; u++) {
        Instance via = (u + round) % 2 == 0 ? a : b;
        via.submit("u" + u, "u" + u + "-" + round, new RecordingView());
      }
    }
    blocker.complete(1);
    List<Object> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      FakeCall c = gateway.nextCall();
      order.add(c.args.get(0));
      c.complete(1);
    }
    assertThat(order).containsExactly("u1-1", "u2-1", "u3-1", "u1-2", "u2-2", "u3-2");
  }

  @Test
  void aWaitingUserSeesTheirPlaceInTheSharedQueueMoveUp() {
    Instance a = new Instance("a", new Limits(1, 5, 1, 1000, 1 << 20), oneBackend(1));
    Instance b = new Instance("b", new Limits(1, 5, 1, 1000, 1 << 20), oneBackend(1));
    a.submit("alice", "first", new RecordingView());
    FakeCall first = gateway.nextCall();
    RecordingView bob = new RecordingView();
    RecordingView carol = new RecordingView();
    a.submit("bob", "second", bob);
    b.submit("carol", "third", carol);
    // Places counted over both instances: bob is next, carol behind him.
    assertThat(bob.take(JobEvent.Accepted.class).position()).isZero();
    assertThat(carol.take(JobEvent.Accepted.class).position()).isEqualTo(1);
    first.complete(1);
    FakeCall second = gateway.nextCall();
    assertThat(second.args.get(0)).isEqualTo("second");
    assertThat(carol.take(JobEvent.Accepted.class).position()).isZero();
    second.complete(1);
    gateway.nextCall().complete(1);
  }

  @Test
  void aDeadInstancesJobIsTakenOverWithTheSameParametersAndDeliveredOnce() {
    Instance a = new Instance("a", Limits.defaults(), oneBackend(2));
    RecordingView shownByA = new RecordingView();
    long id = a.submit("alice", "a red fox", shownByA);
    FakeCall cut = gateway.nextCall().progress(1, 4);
    // Started after a claimed the job, so the job runs on a.
    Instance b = new Instance("b", Limits.defaults(), oneBackend(2));
    shownByA.take(JobEvent.Accepted.class);
    shownByA.take(JobEvent.Progress.class);
    // The instance dies: its leases are left to run out.
    a.engine.close();
    assertThat(new JobLeases(b.db).holder(id)).get().asString().startsWith("a#");

    // b's upkeep runs every third of the lease; once a's lease ran out, b takes the job over.
    timer.advance(LEASE.plusSeconds(1));
    timer.advance(LEASE.dividedBy(3));
    FakeCall again = gateway.nextCall();
    assertThat(again.args).isEqualTo(cut.args);
    assertThat(new JobLeases(b.db).holder(id)).get().asString().startsWith("b#");
    again.complete(1);

    RecordingView shownByB = b.view(id);
    assertThat(shownByB.terminal()).isInstanceOf(JobEvent.Completed.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
    // Delivered: its lease is given up, and no instance takes it over again.
    await().atMost(Duration.ofSeconds(10)).until(() -> new JobLeases(b.db).holder(id).isEmpty());
    assertThat(b.jobs.find(id).orElseThrow().images()).hasSize(1);
    assertThat(gateway.submitted()).isEqualTo(2);
  }

  @Test
  void aCancelOnOneInstanceStopsTheJobWhereItRuns() {
    Instance a = new Instance("a", Limits.defaults(), oneBackend(2));
    RecordingView shownByA = new RecordingView();
    long id = a.submit("alice", "a slow river", shownByA);
    FakeCall call = gateway.nextCall().progress(1, 4);
    // Started after a claimed the job, so the job runs on a.
    Instance b = new Instance("b", Limits.defaults(), oneBackend(2));
    shownByA.take(JobEvent.Accepted.class);
    shownByA.take(JobEvent.Progress.class);

    assertThat(b.engine.cancel(id, "console:bob", false))
        .isEqualTo(JobEngine.CancelOutcome.NOT_ALLOWED);
    assertThat(b.engine.cancel(id, "console:alice", false))
        .isEqualTo(JobEngine.CancelOutcome.CANCELLED);

    // The instance running it shows the cancel in its own view and stops the call on the Space.
    assertThat(shownByA.terminal()).isInstanceOf(JobEvent.Cancelled.class);
    assertThat(call.cancelled()).isTrue();
    assertThat(b.views).doesNotContainKey(id);
    assertThat(a.jobs.find(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(a.engine.running()).isZero();
  }

  @Test
  void aWaitingJobCancelledOnAnotherInstanceNeverStarts() {
    Instance a = new Instance("a", new Limits(1, 5, 1, 1000, 1 << 20), oneBackend(1));
    Instance b = new Instance("b", new Limits(1, 5, 1, 1000, 1 << 20), oneBackend(1));
    a.submit("alice", "first", new RecordingView());
    FakeCall blocker = gateway.nextCall();
    long waiting = a.submit("bob", "second", new RecordingView());
    long after = a.submit("carol", "third", new RecordingView());

    assertThat(b.engine.cancel(waiting, "console:bob", false))
        .isEqualTo(JobEngine.CancelOutcome.CANCELLED);
    assertThat(b.view(waiting).terminal()).isInstanceOf(JobEvent.Cancelled.class);
    blocker.complete(1);
    FakeCall next = gateway.nextCall();
    assertThat(next.args.get(0)).isEqualTo("third");
    next.complete(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.jobs.find(after).orElseThrow().state() == JobState.SUCCEEDED);
    assertThat(a.jobs.find(waiting).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }
}
