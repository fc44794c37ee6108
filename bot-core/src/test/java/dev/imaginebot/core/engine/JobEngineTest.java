package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.Backend;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.render.JobRenderer;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.DbVendor;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.FakeSpaceGateway.FakeCall;
import dev.imaginebot.core.testing.RecordingView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class JobEngineTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}); reopened by a restart. */
  String jdbcUrl;

  @BeforeEach
  void pickDatabase() {
    jdbcUrl = vendor.freshUrl();
  }

  private static final UserRef ALICE = new UserRef("console", "alice", "Alice", "en");
  private static final UserRef BOB = new UserRef("console", "bob", "Bob", "en");
  private static final ChatRef CHAT = new ChatRef("console", "room", true);

  @TempDir Path dir;
  private Database db;
  private JobStore jobs;
  private ModelRegistry registry;
  private JobEngine engine;
  private final FakeSpaceGateway gateway = new FakeSpaceGateway();
  private final FakeTimer timer = new FakeTimer();

  private static BackendConfig backend(String space, int concurrency) {
    return new BackendConfig(space, null, Map.of(), Map.of(), concurrency);
  }

  private static List<ModelConfig> twoBackends() {
    return List.of(
        new ModelConfig("flux", "FLUX", List.of(backend("a", 2), backend("b", 2))),
        new ModelConfig("mj", "MJ", List.of(backend("c", 2))));
  }

  private JobEngine start(Limits limits, Duration interval, List<ModelConfig> models) {
    db = Database.open(jdbcUrl, dir);
    jobs = new JobStore(db);
    registry = new ModelRegistry(models, null, gateway, timer);
    engine =
        new JobEngine(
            jobs, new ImageStore(dir, db), registry, gateway, limits, interval, 1000, timer, timer);
    return engine;
  }

  private JobEngine start() {
    return start(Limits.defaults(), Duration.ZERO, twoBackends());
  }

  @AfterEach
  void tearDown() {
    if (engine != null) engine.close();
    if (registry != null) registry.close();
    if (db != null) db.close();
  }

  private long submit(UserRef user, String prompt, JobEventListener view) {
    JobEngine.Submitted s =
        engine.submit(
            user, CHAT, "ref-" + prompt, GenerationRequest.of(prompt).withModel("flux"), view);
    assertThat(s.ok()).as("submitted %s: %s", prompt, s.error()).isTrue();
    return s.jobId();
  }

  private Backend backendOf(String model, int index) {
    return registry.find(model).orElseThrow().backends().get(index);
  }

  @Test
  void jobRunsThroughOnboardedMappingAndStoresImages() throws Exception {
    start();
    RecordingView view = new RecordingView();
    long id = submit(ALICE, "a red fox", view);
    assertThat(view.take(JobEvent.Accepted.class).position()).isZero();

    FakeCall call = gateway.nextCall();
    assertThat(call.endpoint).isEqualTo("/infer");
    assertThat(call.args.get(0)).isEqualTo("a red fox");
    assertThat(call.args.get(2)).isEqualTo(false); // randomize_seed off: the engine picked a seed
    call.waking();
    assertThat(view.take(JobEvent.Waking.class).model()).isEqualTo("flux");
    call.progress(1, 4);
    JobEvent.Progress p = view.take(JobEvent.Progress.class);
    assertThat(p.step()).isEqualTo(1);
    assertThat(p.total()).isEqualTo(4);
    call.complete(1);

    JobEvent.Completed done = view.take(JobEvent.Completed.class);
    assertThat(done.images()).hasSize(1);
    assertThat(Files.exists(done.images().get(0).file())).isTrue();
    assertThat(done.seed()).isEqualTo(((Number) call.args.get(1)).longValue());
    var record = jobs.find(id).orElseThrow();
    assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(record.backend()).isEqualTo("a");
    assertThat(record.images()).hasSize(1);
    view.assertExhausted();
  }

  @Test
  void oneUsersTenJobsDoNotStarveAnothersOne() {
    start(new Limits(1, 20, 1, 1000, 1 << 20), Duration.ZERO, twoBackends());
    for (int i = 0; i < 10; i++) submit(ALICE, "alice" + i, new RecordingView());
    RecordingView bobView = new RecordingView();
    submit(BOB, "bob", bobView);
    assertThat(bobView.take(JobEvent.Accepted.class).position()).isZero();

    FakeCall first = gateway.nextCall();
    assertThat(first.args.get(0)).isEqualTo("alice0");
    first.complete(1);
    FakeCall second = gateway.nextCall();
    assertThat(second.args.get(0)).isEqualTo("bob");
    second.complete(1);
    assertThat(gateway.nextCall().args.get(0)).isEqualTo("alice1");
  }

  @Test
  void jobsOfOneUserRunInOrder() {
    start(new Limits(1, 20, 4, 1000, 1 << 20), Duration.ZERO, twoBackends());
    for (int i = 0; i < 3; i++) submit(ALICE, "p" + i, new RecordingView());
    for (int i = 0; i < 3; i++) {
      FakeCall c = gateway.nextCall();
      assertThat(c.args.get(0)).isEqualTo("p" + i);
      c.complete(1);
    }
  }

  @Test
  void perUserCapsLimitRunningAndWaiting() {
    start(new Limits(1, 2, 8, 1000, 1 << 20), Duration.ZERO, twoBackends());
    submit(ALICE, "one", new RecordingView());
    submit(ALICE, "two", new RecordingView());
    submit(ALICE, "three", new RecordingView());
    JobEngine.Submitted refused =
        engine.submit(
            ALICE, CHAT, null, GenerationRequest.of("four").withModel("flux"), new RecordingView());
    assertThat(refused.ok()).isFalse();
    assertThat(refused.error()).isEqualTo(ErrorCode.USER_LIMIT);
    assertThat(engine.running()).isEqualTo(1);
    assertThat(engine.waiting()).isEqualTo(2);
    // Another user is not held back by Alice's cap.
    submit(BOB, "bob", new RecordingView());
    assertThat(engine.running()).isEqualTo(2);
  }

  @Test
  void backendConcurrencyIsRespected() {
    start(
        new Limits(1, 5, 8, 1000, 1 << 20),
        Duration.ZERO,
        List.of(new ModelConfig("flux", "FLUX", List.of(backend("a", 1)))));
    submit(ALICE, "alice", new RecordingView());
    submit(BOB, "bob", new RecordingView());
    assertThat(engine.running()).isEqualTo(1);
    assertThat(engine.waiting()).isEqualTo(1);
    FakeCall first = gateway.nextCall();
    first.complete(1);
    assertThat(gateway.nextCall().args.get(0)).isEqualTo("bob");
  }

  @Test
  void globalCapRefusesWithBotBusy() {
    db = Database.open(jdbcUrl, dir);
    jobs = new JobStore(db);
    registry = new ModelRegistry(twoBackends(), null, gateway, timer);
    engine =
        new JobEngine(
            jobs,
            new ImageStore(dir, db),
            registry,
            gateway,
            new Limits(1, 10, 1, 1000, 1 << 20),
            Duration.ZERO,
            2,
            timer,
            timer);
    submit(ALICE, "runs", new RecordingView());
    submit(ALICE, "waits1", new RecordingView());
    submit(BOB, "waits2", new RecordingView());
    JobEngine.Submitted busy =
        engine.submit(
            BOB, CHAT, null, GenerationRequest.of("x").withModel("flux"), new RecordingView());
    assertThat(busy.error()).isEqualTo(ErrorCode.BOT_BUSY);
  }

  @Test
  void updatesAreCoalescedPerIntervalNeverRepeatedAndTerminalAlwaysArrives() {
    start(Limits.defaults(), Duration.ofSeconds(1), twoBackends());
    RecordingView view = new RecordingView();
    submit(ALICE, "fox", view);
    view.take(JobEvent.Accepted.class);
    FakeCall call = gateway.nextCall();

    call.waking().queued(2, 5).progress(1, 8).progress(2, 8).progress(3, 8);
    assertThat(view.pending()).as("nothing within the interval").isZero();
    timer.advance(Duration.ofSeconds(1));
    assertThat(view.take(JobEvent.Progress.class).step()).as("only the latest").isEqualTo(3);
    view.assertExhausted();

    call.progress(3, 8);
    timer.advance(Duration.ofSeconds(5));
    assertThat(view.pending()).as("an unchanged event is never sent").isZero();

    call.progress(4, 8);
    assertThat(view.take(JobEvent.Progress.class).step())
        .as("interval passed: sent at once")
        .isEqualTo(4);
    call.progress(5, 8);
    assertThat(view.pending()).isZero();
    call.complete(1);
    view.take(JobEvent.Completed.class);
    timer.advance(Duration.ofSeconds(5));
    view.assertExhausted();
  }

  @Test
  void usersCancelTheirOwnJobsAndAdminsAny() {
    start(new Limits(1, 5, 8, 1000, 1 << 20), Duration.ZERO, twoBackends());
    RecordingView running = new RecordingView();
    RecordingView waitingView = new RecordingView();
    long first = submit(ALICE, "first", running);
    long second = submit(ALICE, "second", waitingView);
    FakeCall call = gateway.nextCall();

    assertThat(engine.cancel(first, BOB.key(), false))
        .isEqualTo(JobEngine.CancelOutcome.NOT_ALLOWED);
    assertThat(engine.cancel(second, ALICE.key(), false))
        .isEqualTo(JobEngine.CancelOutcome.CANCELLED);
    assertThat(waitingView.terminal()).isInstanceOf(JobEvent.Cancelled.class);
    assertThat(engine.cancel(first, BOB.key(), true)).isEqualTo(JobEngine.CancelOutcome.CANCELLED);
    assertThat(running.terminal()).isInstanceOf(JobEvent.Cancelled.class);
    await().until(call::cancelled);
    assertThat(engine.cancel(first, ALICE.key(), false))
        .isEqualTo(JobEngine.CancelOutcome.NOT_FOUND);

    call.complete(1); // too late: ignored
    assertThat(jobs.find(first).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(jobs.find(second).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(engine.running()).isZero();
    running.assertExhausted();
  }

  @Test
  void quotaMovesJobToNextBackendAndCoolsTheFailingOneDown() {
    start();
    RecordingView view = new RecordingView();
    long id = submit(ALICE, "fox", view);
    FakeCall onA = gateway.nextCall();
    assertThat(onA.space).isEqualTo("a");
    onA.fail(
        SpaceFailure.Kind.QUOTA_EXCEEDED,
        "You have exceeded your GPU quota",
        Duration.ofMinutes(10));

    FakeCall onB = gateway.nextCall();
    assertThat(onB.space).isEqualTo("b");
    BackendStatus a = backendOf("flux", 0).status(timer.instant());
    assertThat(a.kind()).isEqualTo(BackendStatus.Kind.COOLING);
    assertThat(a.until()).isEqualTo(timer.instant().plus(Duration.ofMinutes(10)));
    onB.complete(1);
    assertThat(view.terminal()).isInstanceOf(JobEvent.Completed.class);
    assertThat(jobs.find(id).orElseThrow().backend()).isEqualTo("b");

    // While "a" cools down, new jobs go straight to "b".
    submit(ALICE, "next", new RecordingView());
    assertThat(gateway.nextCall().space).isEqualTo("b");
  }

  @Test
  void backoffWithoutRetryHintGrows() {
    start();
    submit(ALICE, "fox", new RecordingView());
    gateway.nextCall().fail(SpaceFailure.Kind.TIMEOUT, "slow", null);
    gateway.nextCall(); // on b
    Backend a = backendOf("flux", 0);
    assertThat(a.status(timer.instant()).until()).isEqualTo(timer.instant().plusSeconds(30));
    a.coolDown(timer.instant(), null);
    assertThat(a.status(timer.instant()).until()).isEqualTo(timer.instant().plusSeconds(60));
  }

  @Test
  void appErrorIsTheUsersAndDoesNotFailOver() {
    start();
    RecordingView view = new RecordingView();
    long id = submit(ALICE, "fox", view);
    gateway.nextCall().fail(SpaceFailure.Kind.APP_ERROR, "NSFW content detected", null);
    JobEvent.Failed failed = (JobEvent.Failed) view.terminal();
    assertThat(failed.code()).isEqualTo(ErrorCode.APP_ERROR);
    assertThat(failed.detail()).isEqualTo("NSFW content detected");
    assertThat(gateway.submitted()).isEqualTo(1);
    assertThat(backendOf("flux", 0).usable(timer.instant())).isTrue();
    var record = jobs.find(id).orElseThrow();
    assertThat(record.state()).isEqualTo(JobState.FAILED);
    assertThat(record.errorCode()).isEqualTo("APP_ERROR");
  }

  @Test
  void inputRejectedDoesNotFailOver() {
    start();
    RecordingView view = new RecordingView();
    submit(ALICE, "fox", view);
    gateway.nextCall().fail(SpaceFailure.Kind.INPUT_REJECTED, "width too large", null);
    assertThat(((JobEvent.Failed) view.terminal()).code()).isEqualTo(ErrorCode.INPUT_REJECTED);
    assertThat(gateway.submitted()).isEqualTo(1);
  }

  @Test
  void whenEveryBackendIsOutOfQuotaTheUserIsToldWhenAndWhatElse() {
    start();
    RecordingView view = new RecordingView();
    submit(ALICE, "fox", view);
    gateway.nextCall().fail(SpaceFailure.Kind.QUOTA_EXCEEDED, "quota", Duration.ofMinutes(10));
    gateway.nextCall().fail(SpaceFailure.Kind.QUOTA_EXCEEDED, "quota", Duration.ofMinutes(5));
    JobEvent.Failed failed = (JobEvent.Failed) view.terminal();
    assertThat(failed.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    assertThat(failed.retryAfter()).contains(Duration.ofMinutes(5));
    assertThat(failed.detail()).isEqualTo("mj");
  }

  @Test
  void countAboveWhatTheSpaceReturnsRunsVariationsWithDifferentSeeds() {
    start();
    RecordingView view = new RecordingView();
    GenerationRequest r =
        new GenerationRequest("fox", "flux", null, 42L, null, null, null, null, null, 3);
    assertThat(engine.submit(ALICE, CHAT, null, r, view).ok()).isTrue();
    for (long seed = 42; seed < 45; seed++) {
      FakeCall c = gateway.nextCall();
      assertThat(((Number) c.args.get(1)).longValue()).isEqualTo(seed);
      c.complete(1);
    }
    JobEvent.Completed done = (JobEvent.Completed) view.terminal();
    assertThat(done.images()).hasSize(3);
    assertThat(done.seed()).isEqualTo(42L);
  }

  @Test
  void galleryOfSeveralImagesIsDeliveredWholeForOneRequest() {
    start();
    RecordingView view = new RecordingView();
    submit(ALICE, "fox", view);
    gateway.nextCall().complete(2);
    JobEvent.Completed done = (JobEvent.Completed) view.terminal();
    assertThat(done.images()).hasSize(2);
  }

  @Test
  void variationsTopUpToTheCountAfterAGalleryCall() {
    start();
    RecordingView view = new RecordingView();
    GenerationRequest r =
        new GenerationRequest("fox", "flux", null, 42L, null, null, null, null, null, 3);
    assertThat(engine.submit(ALICE, CHAT, null, r, view).ok()).isTrue();
    gateway.nextCall().complete(2);
    gateway.nextCall().complete(2);
    JobEvent.Completed done = (JobEvent.Completed) view.terminal();
    assertThat(done.images()).hasSize(3);
  }

  @Test
  void variationsNameEverySeedAndSayWhichImageIsRunning() {
    start();
    RecordingView view = new RecordingView();
    GenerationRequest r =
        new GenerationRequest("fox", "flux", null, 42L, null, null, null, null, null, 4);
    assertThat(engine.submit(ALICE, CHAT, null, r, view).ok()).isTrue();
    view.take(JobEvent.Accepted.class);
    for (int image = 1; image <= 4; image++) {
      FakeCall call = gateway.nextCall();
      call.progress(1, 2);
      JobEvent.Progress p = view.take(JobEvent.Progress.class);
      assertThat(p.image()).as("which image runs").isEqualTo(image);
      assertThat(p.images()).isEqualTo(4);
      call.complete(1);
    }
    JobEvent.Completed done = (JobEvent.Completed) view.terminal();
    assertThat(done.images()).hasSize(4);
    assertThat(done.seeds()).hasSize(4).doesNotHaveDuplicates().startsWith(42L);
    assertThat(done.seed()).isEqualTo(42L);
  }

  @Test
  void twoSeedsThatMakeTheSameImageAreBothKeptWithTheirSeeds() {
    start();
    RecordingView view = new RecordingView();
    GenerationRequest r =
        new GenerationRequest("fox", "flux", null, 7L, null, null, null, null, null, 4);
    assertThat(engine.submit(ALICE, CHAT, null, r, view).ok()).isTrue();
    gateway.nextCall().completeWithImage(1);
    gateway.nextCall().completeWithImage(2);
    gateway.nextCall().completeWithImage(1);
    gateway.nextCall().completeWithImage(3);
    JobEvent.Completed done = (JobEvent.Completed) view.terminal();
    assertThat(done.images()).as("nothing dropped silently").hasSize(4);
    assertThat(done.images().get(0).sha256()).isEqualTo(done.images().get(2).sha256());
    assertThat(done.seeds()).hasSize(4).doesNotHaveDuplicates();
    String text = new Messages("en").describe(done, "en");
    assertThat(text)
        .contains("seeds " + done.seeds().get(0) + ", " + done.seeds().get(1))
        .contains(
            "Seeds "
                + done.seeds().get(0)
                + " and "
                + done.seeds().get(2)
                + " made the same image.");
  }

  @Test
  void aBurstReachesTheFrontEndViewAsOneRenderedUpdatePerInterval() {
    start(Limits.defaults(), Duration.ofSeconds(1), twoBackends());
    RecordingView front = new RecordingView();
    Messages messages = new Messages("en");
    JobRenderer renderer =
        new JobRenderer(messages::describe, (e, l) -> List.of(), (image, max) -> new byte[0]);
    submit(ALICE, "fox", renderer.listener(front, "zh-CN"));
    front.take(JobEvent.Accepted.class);
    FakeCall call = gateway.nextCall();

    for (int step = 1; step <= 8; step++) call.progress(step, 8);
    assertThat(front.pending()).as("nothing more within the interval").isZero();
    timer.advance(Duration.ofSeconds(1));
    assertThat(front.take(JobEvent.Progress.class).step()).as("one, the latest").isEqualTo(8);
    front.assertExhausted();
    assertThat(front.updates())
        .last()
        .satisfies(
            u -> {
              assertThat(u.language()).isEqualTo("zh-CN");
              assertThat(u.text()).startsWith("\u751f\u6210\u4e2d").endsWith("8/8");
            });
  }

  @Test
  void aSleepingSpaceIsReportedAsWakingBeforeTheJobRuns() {
    start(
        Limits.defaults(),
        Duration.ZERO,
        List.of(new ModelConfig("nap", "Nap", List.of(backend("sleepy-space", 1)))));
    RecordingView view = new RecordingView();
    assertThat(
            engine
                .submit(ALICE, CHAT, null, GenerationRequest.of("fox").withModel("nap"), view)
                .ok())
        .isTrue();
    view.take(JobEvent.Accepted.class);
    assertThat(view.take(JobEvent.Waking.class).model()).isEqualTo("nap");
    gateway.nextCall().complete(1);
    assertThat(view.terminal()).isInstanceOf(JobEvent.Completed.class);
  }

  @Test
  void garbageOutputEndsWithNoImages() {
    start();
    RecordingView view = new RecordingView();
    submit(ALICE, "fox", view);
    gateway.nextCall().completeWithGarbage();
    assertThat(((JobEvent.Failed) view.terminal()).code()).isEqualTo(ErrorCode.NO_IMAGES);
  }

  @Test
  void spaceThatCannotBeMappedMarksTheModelDegraded() {
    start(
        Limits.defaults(),
        Duration.ZERO,
        List.of(new ModelConfig("gone", "Gone", List.of(backend("missing-space", 1)))));
    RecordingView view = new RecordingView();
    JobEngine.Submitted s =
        engine.submit(ALICE, CHAT, null, GenerationRequest.of("fox").withModel("gone"), view);
    assertThat(s.ok()).isTrue();
    JobEvent.Failed failed = (JobEvent.Failed) view.terminal();
    assertThat(failed.code()).isEqualTo(ErrorCode.MODEL_DEGRADED);
    assertThat(registry.status(registry.find("gone").orElseThrow()).kind())
        .isEqualTo(BackendStatus.Kind.DEGRADED);
    // Next time the request is refused up front.
    assertThat(
            engine
                .submit(
                    ALICE,
                    CHAT,
                    null,
                    GenerationRequest.of("fox").withModel("gone"),
                    new RecordingView())
                .error())
        .isEqualTo(ErrorCode.MODEL_DEGRADED);
  }

  @Test
  void degradedModelReachesAChineseUserInChineseWithoutTheEnglishReason() {
    start(
        Limits.defaults(),
        Duration.ZERO,
        List.of(new ModelConfig("gone", "Gone", List.of(backend("missing-space", 1)))));
    Messages messages = new Messages("en");
    RecordingView view = new RecordingView();
    engine.submit(ALICE, CHAT, null, GenerationRequest.of("fox").withModel("gone"), view);
    JobEvent.Failed failed = (JobEvent.Failed) view.terminal();
    // The engine passes the cause along, not the registry's English.
    assertThat(failed.detail()).isEqualTo(BackendStatus.Cause.SPACE_NOT_FOUND.messageKey());
    assertThat(messages.describe(failed, "zh-CN"))
        .contains(messages.text("zh-CN", "degraded.SPACE_NOT_FOUND"))
        .doesNotContain("Space not found", "degraded.", "SPACE_NOT_FOUND");
    // The English stays for the log and the admin's view.
    assertThat(backendOf("gone", 0).status(timer.instant()).reason()).isEqualTo("Space not found");

    JobEngine.Submitted refused =
        engine.submit(
            ALICE, CHAT, null, GenerationRequest.of("fox").withModel("gone"), new RecordingView());
    assertThat(messages.error("zh-CN", refused.error(), refused.args().toArray()))
        .contains(messages.text("zh-CN", "degraded.SPACE_NOT_FOUND"))
        .doesNotContain("Space not found", "degraded.");
  }

  @Test
  void endpointMissingWhileRunningIsWordedByItsCauseNotTheSpacesText() {
    start(
        Limits.defaults(),
        Duration.ZERO,
        List.of(new ModelConfig("one", "One", List.of(backend("a", 1)))));
    RecordingView view = new RecordingView();
    engine.submit(ALICE, CHAT, null, GenerationRequest.of("fox").withModel("one"), view);
    gateway.nextCall().fail(SpaceFailure.Kind.ENDPOINT_MISSING, "fn_index 3 not found", null);
    JobEvent.Failed failed = (JobEvent.Failed) view.terminal();
    assertThat(failed.code()).isEqualTo(ErrorCode.MODEL_DEGRADED);
    assertThat(failed.detail()).isEqualTo(BackendStatus.Cause.ENDPOINT_MISSING.messageKey());
    assertThat(new Messages("en").describe(failed, "zh-CN"))
        .containsPattern("\\p{IsHan}")
        .doesNotContain("fn_index", "degraded.");
  }
}
