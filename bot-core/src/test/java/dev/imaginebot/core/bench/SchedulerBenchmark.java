package dev.imaginebot.core.bench;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceFile;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.gradio.ApiInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Scheduling overhead per job (enqueue, and enqueue plus dispatch to a backend that does nothing)
 * and heap per waiting job, with 10,000 jobs across 1,000 users. Run with {@code exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.imaginebot.core.bench.SchedulerBenchmark}.
 */
public final class SchedulerBenchmark {
  private static final int USERS = 1_000;
  private static final int JOBS = 10_000;

  /** A backend that accepts every call and never answers. */
  static final class IdleGateway implements SpaceGateway {
    final CountDownLatch calls;

    IdleGateway(int expected) {
      calls = new CountDownLatch(expected);
    }

    @Override
    public ApiInfo api(String space) {
      return FakeSpaceGateway.fluxApi();
    }

    @Override
    public Call submit(String space, String endpoint, List<Object> args, Listener listener) {
      calls.countDown();
      return () -> {};
    }

    @Override
    public byte[] download(String space, SpaceFile file, long maxBytes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  public static void main(String[] args) throws Exception {
    System.out.printf("SchedulerBenchmark: %,d jobs across %,d users%n", JOBS, USERS);
    String mem = "jdbc:h2:mem:bench%d;DB_CLOSE_DELAY=-1";
    int db = 0;
    double store = Double.MAX_VALUE;
    double enqueue = Double.MAX_VALUE;
    // The machine may be shared: take the best of three rounds of each.
    for (int round = 0; round < 3; round++) {
      store = Math.min(store, storeOnly(String.format(mem, db++), false));
      enqueue = Math.min(enqueue, run("enqueue only", String.format(mem, db++), 0, false));
    }
    double storeAll = storeOnly(String.format(mem, db++), true);
    double both = run("enqueue + dispatch", String.format(mem, db++), JOBS, false);
    System.out.printf("%-44s %8.1f us/job%n", "store alone: create + queue position", store);
    System.out.printf("%-44s %8.1f us/job%n", "engine: enqueue (submit returns)", enqueue);
    System.out.printf(
        "%-44s %8.1f us/job%n", "scheduling overhead beyond the store", enqueue - store);
    System.out.printf("%-44s %8.1f us/job%n", "store alone: + markSubmitted", storeAll);
    System.out.printf(
        "%-44s %8.1f us/job (dispatch on the engine's workers)%n",
        "engine: enqueue + dispatch, idle backend", both);
    run("heap, file database", null, 0, true);
  }

  /** The store calls the engine makes per job, alone: create, queue position, submitted. */
  private static double storeOnly(String url, boolean submitted) throws Exception {
    Path dir = Files.createTempDirectory("sched-bench");
    try (Database db = Database.open(url, dir)) {
      JobStore jobs = new JobStore(db);
      ChatRef chat = new ChatRef("bench", "room", true);
      long t0 = System.nanoTime();
      for (int i = 0; i < JOBS; i++) {
        UserRef user = new UserRef("bench", "u" + (i % USERS), "User", "en");
        GenerationRequest r =
            GenerationRequest.of("a prompt of typical length, number " + i).withModel("flux");
        long id = jobs.create(user, chat, "ref" + i, r, "flux").id();
        jobs.markQueuePosition(id, i);
        if (submitted) jobs.markSubmitted(id, "a");
      }
      return (System.nanoTime() - t0) / 1e3 / JOBS;
    }
  }

  private static double run(String label, String url, int globalRunning, boolean measureHeap)
      throws Exception {
    Path dir = Files.createTempDirectory("sched-bench");
    Limits limits = new Limits(JOBS / USERS, JOBS / USERS, globalRunning, 1000, 1 << 20);
    List<ModelConfig> models =
        List.of(
            new ModelConfig(
                "flux",
                "FLUX",
                List.of(new BackendConfig("a", null, Map.of(), Map.of(), Integer.MAX_VALUE))));
    IdleGateway gateway = new IdleGateway(globalRunning == 0 ? 0 : JOBS);
    try (Database db = Database.open(url, dir);
        ModelRegistry registry = new ModelRegistry(models, null, gateway, Clock.systemUTC());
        JobEngine engine =
            new JobEngine(
                new JobStore(db),
                new ImageStore(dir, db),
                registry,
                gateway,
                limits,
                Duration.ofSeconds(1),
                JOBS * 2)) {
      ChatRef chat = new ChatRef("bench", "room", true);
      UserRef[] users = new UserRef[USERS];
      for (int u = 0; u < USERS; u++) users[u] = new UserRef("bench", "u" + u, "User " + u, "en");
      long heapBefore = measureHeap ? usedHeap() : 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < JOBS; i++) {
        GenerationRequest r =
            GenerationRequest.of("a prompt of typical length, number " + i).withModel("flux");
        JobEngine.Submitted s = engine.submit(users[i % USERS], chat, "ref" + i, r, e -> {});
        if (!s.ok()) throw new IllegalStateException("refused: " + s.error());
      }
      if (globalRunning > 0 && !gateway.calls.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not all jobs were dispatched");
      }
      long total = System.nanoTime() - t0;
      double perJob = total / 1e3 / JOBS;
      if (measureHeap) {
        long heapAfter = usedHeap();
        System.out.printf(
            "%-48s %8.0f bytes/waiting job (heap %+.1f MiB for %d waiting jobs, incl. H2 cache)%n",
            label,
            (heapAfter - heapBefore) / (double) JOBS,
            (heapAfter - heapBefore) / 1048576.0,
            engine.waiting());
      } else if (engine.waiting() + engine.running() != JOBS) {
        throw new IllegalStateException(label + ": jobs lost");
      }
      return perJob;
    }
  }

  private static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
      // Benchmark main (not a test): give the collector a moment between requests.
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
