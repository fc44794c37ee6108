package dev.imaginebot.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 users send a command at the same instant to an engine on an H2 file database: prints
 * commands per second through {@code submit}, p50/p99 time from the command to its first status
 * event (the queue position), and heap per waiting job. A benchmark run as a test: it asserts that
 * every command was answered, never how fast.
 */
class EngineBurstBenchmarkTest {
  private static final int USERS = 1_000;
  private static final int SENDERS = 64;
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  @Test
  void thousandUsersAtOnceOnAFileDatabase() throws Exception {
    double bestRate = 0;
    long[] bestLatencies = null;
    for (int round = 0; round < ROUNDS; round++) {
      Result r = burst(dir.resolve("round" + round));
      if (r.perSecond > bestRate) {
        bestRate = r.perSecond;
        bestLatencies = r.latencies;
      }
    }
    long heap = heapPerWaitingJob(dir.resolve("heap"));
    System.out.printf(
        "EngineBurstBenchmark: %,d users at once, H2 file database, best of %d rounds%n",
        USERS, ROUNDS);
    System.out.printf("%-46s %,10.0f commands/s%n", "through submit (stored + queued)", bestRate);
    System.out.printf(
        "%-46s %10.1f ms%n", "command -> first status event, p50", percentile(bestLatencies, 50));
    System.out.printf(
        "%-46s %10.1f ms%n", "command -> first status event, p99", percentile(bestLatencies, 99));
    System.out.printf("%-46s %,10d bytes%n", "heap per waiting job (H2 cache included)", heap);
  }

  private record Result(double perSecond, long[] latencies) {}

  private static List<ModelConfig> models() {
    return List.of(
        new ModelConfig(
            "flux", "FLUX", List.of(new BackendConfig("a", null, Map.of(), Map.of(), 1))));
  }

  private static JobEngine engine(
      Database db, Path dir, ModelRegistry registry, SchedulerBenchmark.IdleGateway gateway) {
    // One job runs (on a Space that never answers); every other one waits with its position.
    return new JobEngine(
        new JobStore(db),
        new ImageStore(dir, db),
        registry,
        gateway,
        new Limits(1, 5, 1, 1000, 1 << 20),
        Duration.ofSeconds(1),
        USERS * 10);
  }

  private static Result burst(Path dir) throws Exception {
    SchedulerBenchmark.IdleGateway gateway = new SchedulerBenchmark.IdleGateway(0);
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try (Database db = Database.open(null, dir);
        ModelRegistry registry = new ModelRegistry(models(), null, gateway, Clock.systemUTC());
        JobEngine engine = engine(db, dir, registry, gateway)) {
      ChatRef chat = new ChatRef("bench", "room", true);
      AtomicLongArray firstEvent = new AtomicLongArray(USERS);
      long[] sent = new long[USERS];
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch answered = new CountDownLatch(USERS);
      for (int u = 0; u < USERS; u++) {
        int n = u;
        UserRef user = new UserRef("bench", "u" + n, "User " + n, "en");
        senders.execute(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              GenerationRequest r =
                  GenerationRequest.of("a prompt of typical length, user " + n).withModel("flux");
              sent[n] = System.nanoTime();
              JobEngine.Submitted s =
                  engine.submit(
                      user,
                      chat,
                      "ref" + n,
                      r,
                      event -> {
                        if (firstEvent.compareAndSet(n, 0, System.nanoTime())) answered.countDown();
                      });
              if (!s.ok()) throw new IllegalStateException("refused: " + s.error());
            });
      }
      long t0 = System.nanoTime();
      go.countDown();
      assertThat(answered.await(2, TimeUnit.MINUTES)).as("every command answered").isTrue();
      long last = 0;
      long[] latencies = new long[USERS];
      for (int u = 0; u < USERS; u++) {
        last = Math.max(last, firstEvent.get(u));
        latencies[u] = firstEvent.get(u) - sent[u];
      }
      assertThat(engine.waiting() + engine.running()).isEqualTo(USERS);
      Arrays.sort(latencies);
      return new Result(USERS / ((last - t0) / 1e9), latencies);
    } finally {
      senders.shutdownNow();
    }
  }

  private static long heapPerWaitingJob(Path dir) throws Exception {
    SchedulerBenchmark.IdleGateway gateway = new SchedulerBenchmark.IdleGateway(0);
    try (Database db = Database.open(null, dir);
        ModelRegistry registry = new ModelRegistry(models(), null, gateway, Clock.systemUTC());
        JobEngine engine = engine(db, dir, registry, gateway)) {
      ChatRef chat = new ChatRef("bench", "room", true);
      int jobs = USERS * 5;
      long before = usedHeap();
      for (int i = 0; i < jobs; i++) {
        UserRef user = new UserRef("bench", "u" + (i % USERS), "User", "en");
        GenerationRequest r =
            GenerationRequest.of("a prompt of typical length, number " + i).withModel("flux");
        assertThat(engine.submit(user, chat, "ref" + i, r, e -> {}).ok()).isTrue();
      }
      long after = usedHeap();
      return (after - before) / Math.max(1, engine.waiting());
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static double percentile(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
