package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.job.UserRef;
import java.awt.Color;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class JobStoreTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}); reopened by a restart. */
  String jdbcUrl;

  static final UserRef ALICE = new UserRef("discord", "100", "Alice", "en");
  static final UserRef BOB = new UserRef("telegram", "42", "Bob", "zh-CN");
  static final ChatRef GUILD = new ChatRef("discord", "900", true);
  static final ChatRef DM = new ChatRef("telegram", "42", false);

  @TempDir Path dir;
  TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00.123456789Z"));
  Database db;
  JobStore jobs;
  ImageStore images;

  @BeforeEach
  void open() {
    jdbcUrl = vendor.freshUrl();
    db = Database.open(jdbcUrl, dir, clock);
    jobs = new JobStore(db);
    images = new ImageStore(dir, db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aJobGoesThroughItsLifeAndEveryFieldRoundTrips() {
    GenerationRequest request =
        new GenerationRequest("a red fox", "flux", "blurry", 42L, "16:9", 768, 1024, 8, 3.5, 2);
    JobRecord created = jobs.create(ALICE, GUILD, "msg:1:2", request, "flux");

    assertThat(created.id()).isPositive();
    assertThat(created.state()).isEqualTo(JobState.QUEUED);
    assertThat(jobs.find(created.id())).contains(created);

    clock.advance(Duration.ofSeconds(3));
    jobs.markQueuePosition(created.id(), 4);
    assertThat(jobs.find(created.id()).orElseThrow().queuePosition()).isEqualTo(4);
    jobs.markSubmitted(created.id(), "owner/flux-space");
    clock.advance(Duration.ofSeconds(1));
    jobs.markQueuePosition(created.id(), 2);
    jobs.markRunning(created.id());
    clock.advance(Duration.ofSeconds(5));
    StoredImage first = images.store(TestImages.png(8, 6, Color.RED));
    StoredImage second = images.store(TestImages.png(8, 6, Color.BLUE));
    jobs.markSucceeded(created.id(), 1234L, List.of(second, first));

    JobRecord done = jobs.find(created.id()).orElseThrow();
    assertThat(done.userKey()).isEqualTo("discord:100");
    assertThat(done.userName()).isEqualTo("Alice");
    assertThat(done.language()).isEqualTo("en");
    assertThat(done.chatKey()).isEqualTo("discord:900");
    assertThat(done.groupChat()).isTrue();
    assertThat(done.platform()).isEqualTo("discord");
    assertThat(done.replyRef()).isEqualTo("msg:1:2");
    assertThat(done.request()).isEqualTo(request);
    assertThat(done.model()).isEqualTo("flux");
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.backend()).isEqualTo("owner/flux-space");
    assertThat(done.queuePosition()).isNull();
    assertThat(done.errorCode()).isNull();
    assertThat(done.seed()).isEqualTo(1234L);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.createdAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00.123456Z"));
    assertThat(done.startedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:03.123456Z"));
    assertThat(done.finishedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:09.123456Z"));
    assertThat(done.images()).containsExactly(second, first);
  }

  @Test
  void positionsOfManyWaitingJobsAreWrittenInOneBatchAndOnlyWhileTheyWait() {
    GenerationRequest request = GenerationRequest.of("a cat").withModel("flux");
    List<Long> waiting = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) waiting.add(jobs.create(ALICE, GUILD, null, request, "flux").id());
    long started = jobs.create(BOB, DM, null, request, "flux").id();
    jobs.markSubmitted(started, "owner/space");
    long cancelled = jobs.create(BOB, DM, null, request, "flux").id();
    jobs.markCancelled(cancelled);

    java.util.Map<Long, Integer> positions = new java.util.LinkedHashMap<>();
    for (int i = 0; i < waiting.size(); i++) positions.put(waiting.get(i), i + 1);
    positions.put(started, 9);
    positions.put(cancelled, 9);
    jobs.markQueuePositions(positions);

    for (int i = 0; i < waiting.size(); i++) {
      assertThat(jobs.find(waiting.get(i)).orElseThrow().queuePosition()).isEqualTo(i + 1);
    }
    assertThat(jobs.find(started).orElseThrow().queuePosition()).isNull();
    assertThat(jobs.find(cancelled).orElseThrow().queuePosition()).isNull();

    // The queue drains: the next change moves every waiting job up, in the same one call.
    java.util.Map<Long, Integer> next = new java.util.LinkedHashMap<>();
    for (int i = 1; i < waiting.size(); i++) next.put(waiting.get(i), i);
    jobs.markQueuePositions(next);
    jobs.markQueuePositions(java.util.Map.of());
    assertThat(jobs.find(waiting.get(0)).orElseThrow().queuePosition()).isEqualTo(1);
    assertThat(jobs.find(waiting.get(4)).orElseThrow().queuePosition()).isEqualTo(4);
  }

  @Test
  void nullRequestFieldsStayNull() {
    JobRecord job = jobs.create(BOB, DM, null, GenerationRequest.of("a cat"), "mj");
    JobRecord found = jobs.find(job.id()).orElseThrow();
    assertThat(found.request()).isEqualTo(GenerationRequest.of("a cat"));
    assertThat(found.replyRef()).isNull();
    assertThat(found.groupChat()).isFalse();
    assertThat(found.startedAt()).isNull();
    assertThat(found.images()).isEmpty();
  }

  @Test
  void failureAndCancellationAreRecordedAndFinal() {
    long failed = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("x"), "flux").id();
    long cancelled = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("y"), "flux").id();
    jobs.markSubmitted(failed, "a/b");
    jobs.markFailed(failed, "QUOTA_EXCEEDED", "The Space ran out of GPU quota.");
    jobs.markCancelled(cancelled);

    // Late events for finished jobs change nothing.
    jobs.markSucceeded(failed, 1L, List.of());
    jobs.markRunning(cancelled);
    jobs.requeue(failed);
    jobs.markCancelled(failed);

    JobRecord f = jobs.find(failed).orElseThrow();
    assertThat(f.state()).isEqualTo(JobState.FAILED);
    assertThat(f.errorCode()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(f.errorMessage()).isEqualTo("The Space ran out of GPU quota.");
    assertThat(f.finishedAt()).isNotNull();
    assertThat(f.seed()).isNull();
    assertThat(jobs.find(cancelled).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(JobState.CANCELLED.terminal()).isTrue();
    assertThat(JobState.RUNNING.terminal()).isFalse();
  }

  @Test
  void aVeryLongErrorMessageIsCutNotRefused() {
    long id = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("x"), "flux").id();
    jobs.markFailed(id, "APP_ERROR", "e".repeat(10_000));
    assertThat(jobs.find(id).orElseThrow().errorMessage()).hasSizeLessThanOrEqualTo(4000);
  }

  @Test
  void resubmissionCountsAttemptsAndKeepsTheFirstStart() {
    long id = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("x"), "flux").id();
    clock.advance(Duration.ofSeconds(2));
    jobs.markSubmitted(id, "a/first");
    clock.advance(Duration.ofSeconds(10));
    jobs.requeue(id);
    assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    jobs.markSubmitted(id, "a/second");
    JobRecord job = jobs.find(id).orElseThrow();
    assertThat(job.attempts()).isEqualTo(2);
    assertThat(job.backend()).isEqualTo("a/second");
    assertThat(Duration.between(job.createdAt(), job.startedAt())).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void unfinishedJobsSurviveAClosedAndReopenedDatabase() {
    long queued = jobs.create(ALICE, GUILD, "q", GenerationRequest.of("one"), "flux").id();
    clock.advance(Duration.ofSeconds(1));
    long submitted = jobs.create(BOB, DM, "s", GenerationRequest.of("two"), "mj").id();
    jobs.markSubmitted(submitted, "a/b");
    clock.advance(Duration.ofSeconds(1));
    long running = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("three"), "flux").id();
    jobs.markSubmitted(running, "a/b");
    jobs.markRunning(running);
    long done = jobs.create(ALICE, GUILD, "d", GenerationRequest.of("four"), "flux").id();
    jobs.markSucceeded(done, 5L, List.of());
    long failed = jobs.create(ALICE, GUILD, "f", GenerationRequest.of("five"), "flux").id();
    jobs.markFailed(failed, "TIMEOUT", "slow");

    // The bot goes away without finishing anything.
    db.close();
    db = Database.open(jdbcUrl, dir, clock);
    jobs = new JobStore(db);

    List<JobRecord> unfinished = jobs.unfinished();
    assertThat(unfinished).extracting(JobRecord::id).containsExactly(queued, submitted, running);
    assertThat(unfinished)
        .extracting(JobRecord::state)
        .containsExactly(JobState.QUEUED, JobState.SUBMITTED, JobState.RUNNING);
    assertThat(unfinished).extracting(JobRecord::replyRef).containsExactly("q", "s", "r");
    assertThat(jobs.find(done).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void historyPagesNewestFirstWithTotals() {
    for (int i = 0; i < 7; i++) {
      jobs.create(ALICE, GUILD, "r", GenerationRequest.of("alice " + i), "flux");
      jobs.create(BOB, DM, "r", GenerationRequest.of("bob " + i), "flux");
      clock.advance(Duration.ofMinutes(1));
    }

    Page<JobRecord> first = jobs.history(ALICE.key(), 0, 3);
    assertThat(first.total()).isEqualTo(7);
    assertThat(first.pages()).isEqualTo(3);
    assertThat(first.hasNext()).isTrue();
    assertThat(first.items())
        .extracting(j -> j.request().prompt())
        .containsExactly("alice 6", "alice 5", "alice 4");
    assertThat(jobs.history(ALICE.key(), 1, 3).items())
        .extracting(j -> j.request().prompt())
        .containsExactly("alice 3", "alice 2", "alice 1");
    Page<JobRecord> last = jobs.history(ALICE.key(), 2, 3);
    assertThat(last.items()).extracting(j -> j.request().prompt()).containsExactly("alice 0");
    assertThat(last.hasNext()).isFalse();
    assertThat(jobs.history(ALICE.key(), 3, 3).items()).isEmpty();

    Page<JobRecord> nobody = jobs.history("discord:nobody", 0, 10);
    assertThat(nobody.items()).isEmpty();
    assertThat(nobody.total()).isZero();
    assertThat(nobody.pages()).isZero();

    assertThatThrownBy(() -> jobs.history(ALICE.key(), -1, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> jobs.history(ALICE.key(), 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void historyOfJobsCreatedInTheSameInstantIsStillNewestFirst() {
    long a = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("a"), "flux").id();
    long b = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("b"), "flux").id();
    assertThat(jobs.history(ALICE.key(), 0, 5).items())
        .extracting(JobRecord::id)
        .containsExactly(b, a);
  }

  @Test
  void usersDeleteOnlyTheirOwnJobsAdminsAny() {
    long alices = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("a"), "flux").id();
    long bobs = jobs.create(BOB, DM, "r", GenerationRequest.of("b"), "flux").id();

    assertThat(jobs.delete(alices, BOB.key())).isFalse();
    assertThat(jobs.find(alices)).isPresent();
    assertThat(jobs.delete(alices, ALICE.key())).isTrue();
    assertThat(jobs.find(alices)).isEmpty();
    assertThat(jobs.delete(alices, ALICE.key())).isFalse();

    assertThat(jobs.deleteAny(bobs)).isTrue();
    assertThat(jobs.find(bobs)).isEmpty();
    assertThat(jobs.deleteAny(bobs)).isFalse();
  }

  @Test
  void deletingAJobRemovesImageFilesNoOtherJobUses() {
    StoredImage shared = images.store(TestImages.png(4, 4, Color.GREEN));
    StoredImage own = images.store(TestImages.png(4, 4, Color.YELLOW));
    long first = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("a"), "flux").id();
    long second = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("b"), "flux").id();
    jobs.markSucceeded(first, 1L, List.of(shared, own));
    jobs.markSucceeded(second, 1L, List.of(shared));
    clock.advance(JobStore.ORPHAN_GRACE.plusSeconds(1));

    assertThat(jobs.delete(first, ALICE.key())).isTrue();
    assertThat(own.file()).doesNotExist();
    assertThat(images.find(own.sha256())).isEmpty();
    assertThat(shared.file()).isRegularFile();
    assertThat(jobs.find(second).orElseThrow().images()).containsExactly(shared);

    assertThat(jobs.delete(second, ALICE.key())).isTrue();
    assertThat(shared.file()).doesNotExist();
    assertThat(images.find(shared.sha256())).isEmpty();
  }

  @Test
  void aJustStoredImageIsNotRemovedWithAnOlderJobThatUsedTheSameImage() {
    StoredImage image = images.store(TestImages.png(4, 4, Color.CYAN));
    long old = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("a"), "flux").id();
    jobs.markSucceeded(old, 7L, List.of(image));
    clock.advance(Duration.ofHours(1));
    // A re-run with the same seed produced the same image; its job is not marked succeeded yet.
    StoredImage again = images.store(TestImages.png(4, 4, Color.CYAN));
    assertThat(again).isEqualTo(image);

    assertThat(jobs.delete(old, ALICE.key())).isTrue();
    assertThat(image.file()).isRegularFile();
    assertThat(images.find(image.sha256())).contains(image);
  }

  @Test
  void statsCountJobsImagesAndAverageWait() {
    long a = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("a"), "flux").id();
    clock.advance(Duration.ofSeconds(2));
    jobs.markSubmitted(a, "x/y");
    jobs.markSucceeded(
        a,
        1L,
        List.of(
            images.store(TestImages.png(3, 3, Color.RED)),
            images.store(TestImages.png(3, 3, Color.PINK))));
    long b = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("b"), "flux").id();
    clock.advance(Duration.ofSeconds(6));
    jobs.markSubmitted(b, "x/y");
    jobs.markFailed(b, "TIMEOUT", "slow");
    jobs.create(ALICE, GUILD, "r", GenerationRequest.of("c"), "flux"); // never started
    jobs.create(BOB, DM, "r", GenerationRequest.of("d"), "flux");

    UserStats stats = jobs.stats(ALICE.key());
    assertThat(stats.jobs()).isEqualTo(3);
    assertThat(stats.succeeded()).isEqualTo(1);
    assertThat(stats.failed()).isEqualTo(1);
    assertThat(stats.images()).isEqualTo(2);
    assertThat(stats.averageWait()).isEqualTo(Duration.ofSeconds(4));

    UserStats none = jobs.stats("telegram:nobody");
    assertThat(none).isEqualTo(new UserStats(0, 0, 0, 0, Duration.ZERO));
  }

  @Test
  void unfinishedListsManyJobsWithTheirImages() {
    StoredImage image = images.store(TestImages.png(2, 2, Color.MAGENTA));
    for (int i = 0; i < 600; i++) {
      jobs.create(ALICE, GUILD, "r" + i, GenerationRequest.of("p" + i), "flux");
    }
    List<JobRecord> all = jobs.unfinished();
    assertThat(all).hasSize(600);
    assertThat(all.get(0).request().prompt()).isEqualTo("p0");
    assertThat(all.get(599).request().prompt()).isEqualTo("p599");
    long last = all.get(599).id();
    jobs.markSucceeded(last, 1L, List.of(image));
    assertThat(jobs.find(last).orElseThrow().images()).containsExactly(image);
  }

  @Test
  void removeOrphansCleansUpImagesNoJobEverUsed() {
    StoredImage used = images.store(TestImages.png(3, 2, Color.RED));
    StoredImage unused = images.store(TestImages.png(3, 2, Color.BLUE));
    long id = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("a"), "flux").id();
    jobs.markSucceeded(id, 1L, List.of(used));

    assertThat(images.removeOrphans()).isZero(); // too fresh: a job may be about to use it
    clock.advance(JobStore.ORPHAN_GRACE.plusSeconds(1));
    StoredImage fresh = images.store(TestImages.png(3, 2, Color.GREEN));

    assertThat(images.removeOrphans()).isEqualTo(1);
    assertThat(unused.file()).doesNotExist();
    assertThat(images.find(unused.sha256())).isEmpty();
    assertThat(images.find(used.sha256())).contains(used);
    assertThat(images.find(fresh.sha256())).contains(fresh);
  }

  @Test
  void concurrentWritersDoNotTripOverEachOther() throws Exception {
    byte[] png = TestImages.png(10, 10, Color.WHITE);
    SettingsStore settings = new SettingsStore(db);
    int threads = 4;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<StoredImage>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int n = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  settings.put("global", "model", "m" + n);
                  StoredImage image = images.store(png);
                  long id = jobs.create(ALICE, GUILD, "r", GenerationRequest.of("p" + n), "f").id();
                  jobs.markSucceeded(id, (long) n, List.of(image));
                  return image;
                }));
      }
      start.countDown();
      StoredImage first = futures.get(0).get(1, java.util.concurrent.TimeUnit.MINUTES);
      for (java.util.concurrent.Future<StoredImage> f : futures) {
        assertThat(f.get(1, java.util.concurrent.TimeUnit.MINUTES)).isEqualTo(first);
      }
      assertThat(jobs.stats(ALICE.key()).images()).isEqualTo(threads);
      assertThat(settings.get("global", "model"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("m"));
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir.resolve("images"))) {
        assertThat(files.filter(java.nio.file.Files::isRegularFile)).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
