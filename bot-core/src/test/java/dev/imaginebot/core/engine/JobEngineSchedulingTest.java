package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceFile;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.DbVendor;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.FakeSpaceGateway.FakeCall;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.gradio.ApiInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Fairness, the positions users are shown, and faults, on a one-at-a-time Space. */
@ParameterizedClass
@EnumSource(DbVendor.class)
class JobEngineSchedulingTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}). */
  String jdbcUrl;

  @BeforeEach
  void pickDatabase() {
    jdbcUrl = vendor.freshUrl();
  }

  private static final ChatRef CHAT = new ChatRef("console", "room", true);
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @TempDir Path dir;
  private Database db;
  private JobStore jobs;
  private ModelRegistry registry;
  private JobEngine engine;
  private final FakeSpaceGateway fake = new FakeSpaceGateway();
  private final FakeTimer timer = new FakeTimer();

  private void start(SpaceGateway gateway) {
    start(gateway, 1);
  }

  private void start(SpaceGateway gateway, int concurrency) {
    db = Database.open(jdbcUrl, dir);
    jobs = new JobStore(db);
    List<ModelConfig> models =
        List.of(
            new ModelConfig(
                "flux",
                "FLUX",
                List.of(new BackendConfig("space", null, Map.of(), Map.of(), concurrency))));
    registry = new ModelRegistry(models, null, gateway, timer);
    engine =
        new JobEngine(
            jobs,
            new ImageStore(dir, db),
            registry,
            gateway,
            Limits.defaults(),
            INTERVAL,
            1000,
            timer,
            timer);
  }

  @AfterEach
  void tearDown() {
    if (engine != null) engine.close();
    if (registry != null) registry.close();
    if (db != null) db.close();
  }

  private static UserRef user(int n) {
    return new UserRef("console", "u" + n, "User " + n, "en");
  }

  private long submit(UserRef user, String prompt, RecordingView view) {
    JobEngine.Submitted s =
        engine.submit(
            user, CHAT, "ref-" + prompt, GenerationRequest.of(prompt).withModel("flux"), view);
    assertThat(s.ok()).as("submitted %s: %s", prompt, s.error()).isTrue();
    return s.jobId();
  }

  /** The positions a view was shown so far, oldest first. */
  private static List<Integer> shown(RecordingView view, List<Integer> soFar) {
    while (view.pending() > 0) {
      if (view.take() instanceof JobEvent.Accepted a) soFar.add(a.position());
    }
    return soFar;
  }

  @Test
  void thirtyUsersSendingTwoJobsEachAreServedRoundRobinAndEveryShownPositionReachesTheFront() {
    start(fake);
    int users = 30;
    Map<String, RecordingView> views = new HashMap<>();
    Map<String, Long> ids = new HashMap<>();
    Map<String, List<Integer>> positions = new HashMap<>();
    List<String> expected = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int k = 1; k <= 2; k++) {
        String prompt = "u" + u + "-" + k;
        RecordingView view = new RecordingView();
        views.put(prompt, view);
        positions.put(prompt, new ArrayList<>());
        ids.put(prompt, submit(user(u), prompt, view));
      }
    }
    for (int k = 1; k <= 2; k++) {
      for (int u = 0; u < users; u++) expected.add("u" + u + "-" + k);
    }

    Map<String, Integer> shownBeforeDraining = new HashMap<>();
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 2 * users; i++) {
      FakeCall call = fake.nextCall();
      String prompt = (String) call.args.get(0);
      started.add(prompt);
      if (i == 0) {
        // Everyone has sent: the throttled positions are shown, and they are the truth.
        timer.advance(INTERVAL);
        for (int j = 1; j < expected.size(); j++) {
          String waiting = expected.get(j);
          assertThat(shown(views.get(waiting), positions.get(waiting)))
              .as("%s is told how many start before it", waiting)
              .last()
              .isEqualTo(j - 1);
          assertThat(jobs.find(ids.get(waiting)).orElseThrow().queuePosition())
              .as("%s's stored position", waiting)
              .isEqualTo(j - 1);
          shownBeforeDraining.put(waiting, positions.get(waiting).size());
        }
      }
      List<Integer> seen = shown(views.get(prompt), positions.get(prompt));
      assertThat(seen)
          .as("%s was shown it runs next before it started", prompt)
          .last()
          .isEqualTo(0);
      // The Space takes longer than the update interval, so throttled positions are flushed.
      timer.advance(INTERVAL.multipliedBy(2));
      call.complete(1);
      assertThat(views.get(prompt).terminal()).isInstanceOf(JobEvent.Completed.class);
    }
    assertThat(started).containsExactlyElementsOf(expected);
    for (String prompt : shownBeforeDraining.keySet()) {
      List<Integer> seen = positions.get(prompt);
      // Once everyone had sent, positions only went down as the queue drained.
      assertThat(seen.subList(shownBeforeDraining.get(prompt) - 1, seen.size()))
          .as("positions shown to %s", prompt)
          .isSortedAccordingTo((a, b) -> Integer.compare(b, a))
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void everyJobIsAcknowledgedBeforeAnythingElseEvenWhenItStartsBeforeItsSenderReturns()
      throws Exception {
    fake.completeAtOnce(true);
    start(fake, 64);
    int users = 64;
    List<RecordingView> views = new ArrayList<>();
    for (int u = 0; u < users; u++) views.add(new RecordingView());
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      int n = u;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                submit(user(n), "p" + n, views.get(n));
              });
      t.start();
      senders.add(t);
    }
    go.countDown();
    for (Thread t : senders) t.join(30_000);
    for (RecordingView view : views) {
      assertThat(view.take()).isInstanceOf(JobEvent.Accepted.class);
      assertThat(view.terminal()).isInstanceOf(JobEvent.Completed.class);
    }
  }

  @Test
  void cancellingTheRunningJobStartsTheNextAtOnce() {
    start(fake);
    RecordingView first = new RecordingView();
    long id = submit(user(1), "first", first);
    submit(user(2), "second", new RecordingView());
    FakeCall running = fake.nextCall();

    assertThat(engine.cancel(id, user(1).key(), false))
        .isEqualTo(JobEngine.CancelOutcome.CANCELLED);
    await().until(running::cancelled);
    assertThat(fake.nextCall().args.get(0)).isEqualTo("second");
    assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void anErrorWhileDecodingEndsTheJobWithARefAndFreesItsSlots() {
    SpaceGateway failing =
        new SpaceGateway() {
          @Override
          public ApiInfo api(String space) {
            return fake.api(space);
          }

          @Override
          public Call submit(String space, String endpoint, List<Object> args, Listener l) {
            return fake.submit(space, endpoint, args, l);
          }

          @Override
          public byte[] download(String space, SpaceFile file, long maxBytes) {
            throw new OutOfMemoryError("Java heap space (a test's huge image)");
          }

          @Override
          public void close() {}
        };
    start(failing);
    RecordingView huge = new RecordingView();
    long id = submit(user(1), "huge", huge);
    submit(user(2), "next", new RecordingView());
    fake.nextCall().complete(1);

    JobEvent.Failed failed = (JobEvent.Failed) huge.terminal();
    assertThat(failed.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(failed.detail()).matches("[0-9a-f]{4}");
    assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.FAILED);
    assertThat(fake.nextCall().args.get(0)).as("the slot was freed").isEqualTo("next");
  }
}
