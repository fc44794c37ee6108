package dev.imaginebot.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceFile;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.PostgresServer;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.gradio.ApiInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole engine, as N bot instances on one database: 300 commands from 300 users go to the
 * instances in turn, each job "runs" on a Space that answers at once; prints jobs per second (first
 * command to last result) and p50/p99 scheduling latency (a command's submission to its call to the
 * Space, through the store, the shared queue's claim and the wake-up of whichever instance claims
 * it), for 1, 2 and 3 instances on PostgreSQL and for one instance on H2 (which runs its queue in
 * memory). A benchmark run as a test: it asserts that every job finished once, never how fast.
 */
class EngineClusterBenchmarkTest {
  private static final int JOBS = 300;
  private static final Limits LIMITS = new Limits(1, 5, 32, 1000, 1 << 20);

  @TempDir Path dir;

  private record Result(double perSecond, long[] latencies) {}

  @Test
  void jobsPerSecondAndSchedulingLatencyForOneTwoAndThreeInstances() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      Result r = run(PostgresServer.shared().createDatabase(), dir.resolve("pg" + n), n);
      lines.add(line("PostgreSQL, " + n + " instance" + (n == 1 ? "" : "s"), r));
    }
    lines.add(line("H2 file, 1 instance", run(null, dir.resolve("h2"), 1)));
    System.out.printf(
        "EngineClusterBenchmark: %d commands from %d users, caps %d running (1 per user)%n",
        JOBS, JOBS, LIMITS.globalRunning());
    lines.forEach(System.out::println);
  }

  private static String line(String what, Result r) {
    return String.format(
        "%-26s %,7.0f jobs/s   scheduling p50 %6.1f ms   p99 %6.1f ms",
        what, r.perSecond, percentile(r.latencies, 50), percentile(r.latencies, 99));
  }

  private static double percentile(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  /** A Space that answers every call at once, noting when each prompt's call came. */
  private static final class TimedGateway implements SpaceGateway {
    final FakeSpaceGateway fake = new FakeSpaceGateway().completeAtOnce(true);
    final Map<String, Long> calledAt;

    TimedGateway(Map<String, Long> calledAt) {
      this.calledAt = calledAt;
    }

    @Override
    public ApiInfo api(String space) {
      return fake.api(space);
    }

    @Override
    public Call submit(String space, String endpoint, List<Object> args, Listener listener) {
      calledAt.putIfAbsent((String) args.get(0), System.nanoTime());
      return fake.submit(space, endpoint, args, listener);
    }

    @Override
    public byte[] download(String space, SpaceFile file, long maxBytes) {
      return fake.download(space, file, maxBytes);
    }

    @Override
    public void close() {}
  }

  private static Result run(String url, Path dir, int instances) throws Exception {
    Map<String, Long> submittedAt = new ConcurrentHashMap<>();
    Map<String, Long> calledAt = new ConcurrentHashMap<>();
    Map<Long, Integer> outcomes = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(JOBS);
    JobEventListener count =
        new JobEventListener() {
          @Override
          public void onEvent(JobEvent event) {
            if (event.terminal()) {
              assertThat(event).isInstanceOf(JobEvent.Completed.class);
              if (outcomes.merge(event.jobId(), 1, Integer::sum) == 1) done.countDown();
            }
          }
        };
    List<AutoCloseable> open = new ArrayList<>();
    List<JobEngine> engines = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        Database db = Database.open(url, dir.resolve("i" + i));
        open.add(db);
        TimedGateway gateway = new TimedGateway(calledAt);
        ModelRegistry registry =
            new ModelRegistry(
                List.of(
                    new ModelConfig(
                        "flux",
                        "FLUX",
                        List.of(new BackendConfig("bench", null, Map.of(), Map.of(), 32)))),
                null,
                gateway,
                java.time.Clock.systemUTC());
        open.add(registry);
        JobEngine engine =
            new JobEngine(
                new JobStore(db),
                new ImageStore(dir.resolve("i" + i), db),
                registry,
                gateway,
                LIMITS,
                Duration.ZERO,
                10_000,
                // H2 runs its queue in memory; PostgreSQL shares it.
                url == null
                    ? null
                    : new JobEngine.Cluster(db, "bench-" + i, Duration.ofMinutes(1), r -> count));
        open.add(engine);
        engine.startSharing();
        engines.add(engine);
      }
      ChatRef chat = new ChatRef("bench", "room", true);
      long start = System.nanoTime();
      for (int j = 0; j < JOBS; j++) {
        String prompt = "prompt " + j;
        UserRef user = new UserRef("bench", "u" + j, "User", "en");
        submittedAt.put(prompt, System.nanoTime());
        JobEngine.Submitted s =
            engines
                .get(j % instances)
                .submit(user, chat, "r" + j, GenerationRequest.of(prompt).withModel("flux"), count);
        assertThat(s.ok()).as("%s: %s", prompt, s.error()).isTrue();
      }
      assertThat(done.await(5, TimeUnit.MINUTES)).as("every job finished").isTrue();
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(outcomes).hasSize(JOBS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
      long[] latencies = new long[JOBS];
      for (int j = 0; j < JOBS; j++) {
        String prompt = "prompt " + j;
        latencies[j] = calledAt.get(prompt) - submittedAt.get(prompt);
      }
      Arrays.sort(latencies);
      return new Result(JOBS / seconds, latencies);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }
  }
}
