package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.DbVendor;
import dev.imaginebot.core.store.JobRecord;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.RecordingView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Jobs in every state survive an abrupt stop: each ends terminal, none that succeeded reruns. */
@ParameterizedClass
@EnumSource(DbVendor.class)
class RestartTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}); reopened by a restart. */
  String jdbcUrl;

  @BeforeEach
  void pickDatabase() {
    jdbcUrl = vendor.freshUrl();
  }

  @TempDir Path dir;

  private CoreConfig config() {
    return new CoreConfig(
        dir,
        jdbcUrl,
        List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a")))),
        "flux",
        Set.of(),
        new Limits(1, 10, 2, 1000, 1 << 20),
        Duration.ZERO,
        "en",
        GradioSettings.defaults());
  }

  private static long imagine(RealBot bot, UserRef user, String replyRef, JobView view) {
    Reply r =
        bot.handle(
            new CommandContext(
                user, new ChatRef(user.platform(), "room", true), false, replyRef, view),
            "imagine",
            "job " + replyRef);
    assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.JOB_STARTED);
    return r.jobId();
  }

  /** A front-end that records which jobs it was asked to reattach. */
  static final class RecordingFrontEnd implements FrontEnd {
    final Map<Long, String> reattached = new ConcurrentHashMap<>();
    final Map<Long, RecordingView> views = new ConcurrentHashMap<>();

    @Override
    public String platform() {
      return "console";
    }

    @Override
    public JobView reattach(long jobId, String replyRef) {
      reattached.put(jobId, replyRef);
      return views.computeIfAbsent(jobId, id -> new RecordingView());
    }
  }

  @Test
  void everyJobEndsTerminalAfterAnAbruptRestartAndNothingRunsTwice() {
    UserRef u0 = new UserRef("console", "u0", "U0", "en");
    UserRef u1 = new UserRef("console", "u1", "U1", "en");
    UserRef u2 = new UserRef("console", "u2", "U2", "en");
    UserRef tg = new UserRef("telegram", "42", "T", "en");

    FakeSpaceGateway first = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), first);
    RecordingView v = new RecordingView();
    long succeeded = imagine(bot, u0, "m-ok", v);
    first.nextCall().complete(1);
    assertThat(v.terminal()).isInstanceOf(JobEvent.Completed.class);
    long failed = imagine(bot, u0, "m-fail", v);
    first.nextCall().fail(SpaceFailure.Kind.APP_ERROR, "boom", null);
    assertThat(v.terminal()).isInstanceOf(JobEvent.Failed.class);
    long cancelled = imagine(bot, u0, "m-cancel", v);
    first.nextCall();
    bot.handle(
        new CommandContext(u0, new ChatRef("console", "room", true), false, null, v),
        "cancel",
        Long.toString(cancelled));
    assertThat(v.terminal()).isInstanceOf(JobEvent.Cancelled.class);

    long submitted = imagine(bot, u1, "m-submitted", new RecordingView());
    first.nextCall(); // never answered: stays SUBMITTED
    long queuedBehindOwn = imagine(bot, u1, "m-queued", new RecordingView());
    RecordingView runningView = new RecordingView();
    long running = imagine(bot, u2, "m-running", runningView);
    first.nextCall().progress(1, 4);
    runningView.take(JobEvent.Accepted.class);
    runningView.take(JobEvent.Progress.class);
    long otherPlatform = imagine(bot, tg, "t-queued", new RecordingView()); // global cap: waits
    bot.closeNow();

    // The running job had failed over once already (two attempts): that is no restart.
    try (Database db = Database.open(jdbcUrl, dir)) {
      JobStore store = new JobStore(db);
      assertThat(store.find(submitted).orElseThrow().state()).isEqualTo(JobState.SUBMITTED);
      assertThat(store.find(queuedBehindOwn).orElseThrow().state()).isEqualTo(JobState.QUEUED);
      assertThat(store.find(running).orElseThrow().state()).isEqualTo(JobState.RUNNING);
      assertThat(store.find(otherPlatform).orElseThrow().state()).isEqualTo(JobState.QUEUED);
      store.markSubmitted(running, "a");
      assertThat(store.find(running).orElseThrow().attempts()).isEqualTo(2);
    }

    FakeSpaceGateway second = new FakeSpaceGateway().completeAtOnce(true);
    RealBot again = RealBot.start(config(), second);
    try {
      RecordingFrontEnd console = new RecordingFrontEnd();
      again.register(console);
      // On PostgreSQL the queue is shared: a waiting job is reattached when this instance claims
      // it, just after the start, rather than at it.
      await().atMost(Duration.ofSeconds(20)).until(() -> console.reattached.size() >= 3);
      assertThat(console.reattached)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(submitted, "m-submitted", queuedBehindOwn, "m-queued", running, "m-running"));
      assertThat(console.views.get(submitted).terminal()).isInstanceOf(JobEvent.Completed.class);
      assertThat(console.views.get(queuedBehindOwn).terminal())
          .isInstanceOf(JobEvent.Completed.class);
      // Failover attempts are not restarts: the running job is resubmitted and completes.
      assertThat(console.views.get(running).terminal()).isInstanceOf(JobEvent.Completed.class);

      JobStore store = again.jobs();
      // No telegram front-end registered: the job still runs and its result is stored.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> store.find(otherPlatform).orElseThrow().state().terminal());
      for (long id :
          List.of(
              succeeded, failed, cancelled, submitted, queuedBehindOwn, running, otherPlatform)) {
        assertThat(store.find(id).orElseThrow().state().terminal()).as("job %d", id).isTrue();
      }
      JobRecord ok = store.find(succeeded).orElseThrow();
      assertThat(ok.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(ok.images()).hasSize(1);
      assertThat(store.find(failed).orElseThrow().state()).isEqualTo(JobState.FAILED);
      assertThat(store.find(cancelled).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
      assertThat(store.find(otherPlatform).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(store.unfinished()).isEmpty();
      // Only the four unfinished jobs ran again; none that had finished.
      assertThat(second.submitted()).isEqualTo(4);
    } finally {
      again.close();
    }
  }
}
