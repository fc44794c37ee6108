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
import dev.imaginebot.core.command.PendingUpdate;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.DbVendor;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.ResultFile;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.FakeSpaceGateway.FakeCall;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The persisted lifecycle across abrupt stops: commands are stored once, jobs cut on a Space are
 * resubmitted with the same seed and parameters, a job the Space had finished is only downloaded,
 * outcomes never shown are shown at the next start (and only then), and a graceful stop delivers
 * what finishes while it drains.
 */
@ParameterizedClass
@EnumSource(DbVendor.class)
class LifecycleTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}); reopened by a restart. */
  String jdbcUrl;

  @BeforeEach
  void pickDatabase() {
    jdbcUrl = vendor.freshUrl();
  }

  private static final UserRef ALICE = new UserRef("console", "alice", "Alice", "en");
  private static final ChatRef ROOM = new ChatRef("console", "room", true);

  @TempDir Path dir;

  private CoreConfig config() {
    return config(List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a")))));
  }

  private CoreConfig config(List<ModelConfig> models) {
    return new CoreConfig(
        dir,
        jdbcUrl,
        models,
        "flux",
        Set.of(),
        new Limits(1, 10, 2, 1000, 1 << 20),
        Duration.ZERO,
        "en",
        GradioSettings.defaults());
  }

  private static CommandContext ctx(String replyRef, JobView view) {
    return new CommandContext(ALICE, ROOM, false, replyRef, view);
  }

  private static long imagine(RealBot bot, CommandContext ctx, String prompt) {
    Reply r = bot.handle(ctx, "imagine", prompt);
    assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.JOB_STARTED);
    return r.jobId();
  }

  /** A front-end that hands out one recording view per reattached job. */
  static final class Views implements FrontEnd {
    final Map<Long, RecordingView> views = new ConcurrentHashMap<>();

    @Override
    public String platform() {
      return "console";
    }

    @Override
    public JobView reattach(long jobId, String replyRef) {
      return views.computeIfAbsent(jobId, id -> new RecordingView());
    }
  }

  /** A view whose platform never confirms the outcome (the bot dies before it does). */
  static final class UnconfirmedView implements JobView {
    final RecordingView events = new RecordingView();

    @Override
    public void onUpdate(JobUpdate update) {
      events.onUpdate(update);
    }

    @Override
    public CompletionStage<Void> deliver(JobUpdate outcome) {
      events.onUpdate(outcome);
      return new CompletableFuture<>();
    }
  }

  @Test
  void aJobCutOnTheSpaceIsResubmittedWithTheSameSeedAndParameters() {
    FakeSpaceGateway first = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), first);
    long id = imagine(bot, ctx("m1", new RecordingView()), "a red fox --ar 16:9");
    FakeCall cut = first.nextCall().progress(1, 4);
    bot.closeNow();

    FakeSpaceGateway second = new FakeSpaceGateway();
    RealBot again = RealBot.start(config(), second);
    try {
      Views console = new Views();
      again.register(console);
      FakeCall resubmitted = second.nextCall();
      assertThat(resubmitted.args).isEqualTo(cut.args);
      resubmitted.complete(1);
      JobEvent.Completed done = (JobEvent.Completed) console.views.get(id).terminal();
      assertThat(done.images()).hasSize(1);
      assertThat(again.jobs().find(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    } finally {
      again.close();
    }
  }

  @Test
  void aJobCutByRestartAfterRestartIsGivenUpWithOneSentence() {
    FakeSpaceGateway gateway = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), gateway);
    long id = imagine(bot, ctx("m1", new RecordingView()), "crashes the bot");
    gateway.nextCall();
    bot.closeNow();
    for (int restart = 1; restart <= dev.imaginebot.core.engine.JobEngine.MAX_RESTARTS; restart++) {
      FakeSpaceGateway g = new FakeSpaceGateway();
      RealBot b = RealBot.start(config(), g);
      b.register(new Views());
      g.nextCall(); // resubmitted with the same seed, then cut again
      b.closeNow();
    }
    FakeSpaceGateway last = new FakeSpaceGateway();
    RealBot b = RealBot.start(config(), last);
    try {
      Views console = new Views();
      b.register(console);
      JobEvent end = console.views.get(id).terminal();
      assertThat(end).isInstanceOf(JobEvent.Failed.class);
      assertThat(((JobEvent.Failed) end).code()).isEqualTo(ErrorCode.BOT_RESTARTED);
      assertThat(last.submitted()).isZero();
      assertThat(b.jobs().find(id).orElseThrow().state()).isEqualTo(JobState.FAILED);
    } finally {
      b.close();
    }
  }

  @Test
  void aSpaceThatCannotBeReachedIsSaidSoNotThatItIsAsleep() {
    CoreConfig unreachable =
        config(
            List.of(
                new ModelConfig(
                    "flux", "FLUX", List.of(BackendConfig.discover("unreachable-space")))));
    RealBot bot = RealBot.start(unreachable, new FakeSpaceGateway());
    try {
      for (String language : List.of("en", "zh-CN")) {
        RecordingView view = new RecordingView();
        UserRef user = new UserRef("console", "u-" + language, "U", language);
        Reply r = bot.handle(new CommandContext(user, ROOM, false, "m", view), "imagine", "a fox");
        assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.JOB_STARTED);
        JobEvent.Failed failed = (JobEvent.Failed) view.terminal();
        assertThat(failed.code()).isEqualTo(ErrorCode.SPACE_UNREACHABLE);
        String text = bot.describe(failed, language);
        if (language.equals("en")) {
          assertThat(text)
              .contains("could not reach the Space")
              .contains("address could not be looked up")
              .doesNotContain("not running");
        } else {
          assertThat(text).contains("无法连接").contains("无法解析");
        }
        assertThat(text).doesNotContain("UNREACHABLE").doesNotContain("hf.space");
      }
    } finally {
      bot.close();
    }
  }

  @Test
  void aJobTheSpaceHadFinishedIsDownloadedAndNeverRunAgain() {
    FakeSpaceGateway first = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), first);
    long id = imagine(bot, ctx("m1", new RecordingView()), "finished on the Space");
    first.nextCall().progress(4, 4);
    bot.closeNow();
    String url = "http://127.0.0.1/file=made-before-the-crash.png";
    try (Database db = Database.open(jdbcUrl, dir)) {
      // What the engine stores when the Space reports its output, before downloading it.
      new JobStore(db).saveResultFiles(id, List.of(new ResultFile(url, null, "image/png")));
    }

    FakeSpaceGateway second = new FakeSpaceGateway().serve(url, TestImages.png(7));
    RealBot again = RealBot.start(config(), second);
    try {
      Views console = new Views();
      again.register(console);
      JobEvent done = console.views.get(id).terminal();
      assertThat(done).isInstanceOf(JobEvent.Completed.class);
      assertThat(((JobEvent.Completed) done).images()).hasSize(1);
      assertThat(second.submitted()).isZero();
    } finally {
      again.close();
    }
  }

  @Test
  void theSpacesOutputIsStoredBeforeItIsDownloaded() {
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    FakeSpaceGateway gateway = new FakeSpaceGateway().holdDownloads(gate);
    RealBot bot = RealBot.start(config(), gateway);
    try {
      RecordingView view = new RecordingView();
      long id = imagine(bot, ctx("m1", view), "stored first");
      gateway.nextCall().complete(1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  bot.jobs().recoverable(java.time.Instant.EPOCH).stream()
                      .anyMatch(r -> r.job().id() == id && !r.resultFiles().isEmpty()));
      assertThat(bot.jobs().find(id).orElseThrow().state()).isNotEqualTo(JobState.SUCCEEDED);
      gate.countDown();
      assertThat(view.terminal()).isInstanceOf(JobEvent.Completed.class);
    } finally {
      bot.close();
    }
  }

  @Test
  void anOutcomeNotShownBeforeTheCrashIsShownAtTheNextStartAndOnlyThen() {
    FakeSpaceGateway first = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), first);
    UnconfirmedView view = new UnconfirmedView();
    long id = imagine(bot, ctx("m1", view), "shown once");
    first.nextCall().complete(1);
    assertThat(view.events.terminal()).isInstanceOf(JobEvent.Completed.class);
    bot.closeNow();

    RealBot second = RealBot.start(config(), new FakeSpaceGateway());
    Views console = new Views();
    try {
      second.register(console);
      JobEvent again = console.views.get(id).terminal();
      assertThat(again).isInstanceOf(JobEvent.Completed.class);
      assertThat(((JobEvent.Completed) again).images()).hasSize(1);
    } finally {
      second.closeNow();
    }

    RealBot third = RealBot.start(config(), new FakeSpaceGateway());
    try {
      Views later = new Views();
      third.register(later);
      assertThat(later.views).doesNotContainKey(id);
    } finally {
      third.close();
    }
  }

  @Test
  void aCommandHandledAgainAfterACrashMakesNoSecondJob() {
    FakeSpaceGateway first = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), first);
    CommandContext fromUpdate = ctx("m1", new RecordingView()).withCommandKey("update:41");
    long id = imagine(bot, fromUpdate, "only once");
    first.nextCall();
    bot.closeNow();

    FakeSpaceGateway second = new FakeSpaceGateway();
    RealBot again = RealBot.start(config(), second);
    try {
      Views console = new Views();
      again.register(console);
      Reply repeated =
          again.handle(
              ctx("m2", new RecordingView()).withCommandKey("update:41"), "imagine", "only once");
      // What the front-end put up for the repeat goes; the job shows itself where it was.
      assertThat(repeated.kind()).isEqualTo(Reply.Kind.DELETE_MESSAGE);
      second.nextCall().complete(1);
      assertThat(console.views.get(id).terminal()).isInstanceOf(JobEvent.Completed.class);
      assertThat(again.jobs().history(ALICE.key(), 0, 10).items()).hasSize(1);
      assertThat(second.submitted()).isEqualTo(1);
    } finally {
      again.close();
    }
  }

  @Test
  void storedUpdatesAreHandedBackUntilHandledAcrossRestarts() {
    RealBot bot = RealBot.start(config(), new FakeSpaceGateway());
    assertThat(bot.receive("telegram", "update:1", "{\"update_id\":1}")).isTrue();
    assertThat(bot.receive("telegram", "update:2", "{\"update_id\":2}")).isTrue();
    assertThat(bot.receive("telegram", "update:1", "{\"update_id\":1}"))
        .as("redelivered")
        .isFalse();
    bot.handled("telegram", "update:1");
    bot.closeNow();

    RealBot again = RealBot.start(config(), new FakeSpaceGateway());
    try {
      assertThat(again.pending("telegram"))
          .containsExactly(new PendingUpdate("update:2", "{\"update_id\":2}"));
      assertThat(again.pending("discord")).isEmpty();
      assertThat(again.receive("telegram", "update:2", "{}")).isFalse();
      again.handled("telegram", "update:2");
      assertThat(again.pending("telegram")).isEmpty();
    } finally {
      again.close();
    }
  }

  @Test
  void aGracefulStopDeliversWhatFinishesWhileItDrainsAndRefusesNewWork() throws Exception {
    FakeSpaceGateway gateway = new FakeSpaceGateway();
    RealBot bot = RealBot.start(config(), gateway);
    RecordingView view = new RecordingView();
    long id = imagine(bot, ctx("m1", view), "finishes during the drain");
    FakeCall call = gateway.nextCall();
    CompletableFuture<Void> drained =
        CompletableFuture.runAsync(() -> bot.drain(Duration.ofSeconds(30)));
    await().atMost(Duration.ofSeconds(10)).until(bot::draining);
    call.complete(1);
    drained.get(20, TimeUnit.SECONDS);
    assertThat(view.terminal()).isInstanceOf(JobEvent.Completed.class);
    try {
      // Delivered, so nothing is left for the next start; new work is refused with a sentence.
      assertThat(bot.jobs().recoverable(java.time.Instant.EPOCH)).isEmpty();
      Reply refused = bot.handle(ctx("m2", new RecordingView()), "imagine", "too late");
      assertThat(refused.kind()).isEqualTo(Reply.Kind.ERROR);
      assertThat(refused.text()).isNotBlank().doesNotContain("BOT_BUSY");
    } finally {
      bot.close();
    }
  }
}
