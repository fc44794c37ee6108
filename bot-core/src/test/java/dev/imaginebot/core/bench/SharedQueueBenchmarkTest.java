package dev.imaginebot.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.PostgresServer;
import dev.imaginebot.core.store.SharedQueue;
import dev.imaginebot.core.store.SharedQueue.Backend;
import dev.imaginebot.core.store.SharedQueue.Claimed;
import dev.imaginebot.core.store.SharedQueue.Limits;
import dev.imaginebot.core.store.SharedQueue.Start;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 waiting jobs from 250 users in the shared queue; three instances on one PostgreSQL (two
 * claiming threads each) start jobs one claim at a time, within the caps (8 running, one
 * per user), each ending its job at once to free the slot, until 300 jobs started (so the queue
 * stays 700 to 1,000 deep): prints starts per second and p50/p99 of a claim's latency, and the same
 * for one instance on H2. A benchmark run as a test: it asserts that every start was a different
 * job in an unbroken cluster-wide order, never how fast.
 */
class SharedQueueBenchmarkTest {
  private static final int USERS = 250;
  private static final int JOBS = 1_000;
  private static final int STARTS = 300;
  private static final int THREADS_PER_INSTANCE = 2;
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final Limits LIMITS = new Limits(1, 8);
  private static final Backend BACKEND = new Backend("bench/space", 8);

  @TempDir Path dir;

  private record Result(double perSecond, long[] latencies) {}

  @Test
  void claimsPerSecondWithThreeInstancesOnPostgresql() throws Exception {
    Result pg = run(PostgresServer.shared().createDatabase(), dir.resolve("pg"), 3);
    Result h2 = run(null, dir.resolve("h2"), 1);
    System.out.printf(
        "SharedQueueBenchmark: %,d waiting jobs from %d users, %d starts, %d claiming threads"
            + " per instance, caps %s%n",
        JOBS, USERS, STARTS, THREADS_PER_INSTANCE, LIMITS);
    print("PostgreSQL, 3 instances", pg);
    print("H2 file, 1 instance", h2);
  }

  private static void print(String what, Result r) {
    System.out.printf(
        "%-28s %,8.0f starts/s   claim p50 %6.1f ms   p99 %6.1f ms%n",
        what, r.perSecond, percentile(r.latencies, 50), percentile(r.latencies, 99));
  }

  private static double percentile(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static Result run(String url, Path dir, int instances) throws Exception {
    List<Database> dbs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(instances * THREADS_PER_INSTANCE);
    try {
      for (int i = 0; i < instances; i++) dbs.add(Database.open(url, dir));
      JobStore creator = new JobStore(dbs.get(0));
      ChatRef chat = new ChatRef("bench", "room", true);
      for (int j = 0; j < JOBS; j++) {
        UserRef user = new UserRef("bench", "u" + (j % USERS), "User", "en");
        creator.create(user, chat, "r" + j, GenerationRequest.of("a prompt " + j), "flux");
      }
      ConcurrentLinkedQueue<Start> started = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      AtomicInteger count = new AtomicInteger();
      CyclicBarrier go = new CyclicBarrier(instances * THREADS_PER_INSTANCE + 1);
      List<Future<?>> claimers = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        SharedQueue queue = new SharedQueue(dbs.get(i));
        JobStore jobs = new JobStore(dbs.get(i));
        String owner = "instance-" + i;
        for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
          claimers.add(
              pool.submit(
                  () -> {
                    go.await();
                    while (count.get() < STARTS) {
                      long c0 = System.nanoTime();
                      Claimed c = queue.claim(owner, LEASE, 1, LIMITS, w -> BACKEND);
                      latencies.add(System.nanoTime() - c0);
                      // Each thread holds at most one job, fewer than the global cap: a claim
                      // finds a slot free, so an empty one means the queue ran dry.
                      if (c.isEmpty()) throw new IllegalStateException("nothing claimed");
                      for (Start s : c.starts()) {
                        started.add(s);
                        count.incrementAndGet();
                        jobs.markSucceeded(s.id(), 1L, List.of());
                      }
                    }
                    return null;
                  }));
        }
      }
      go.await();
      long t0 = System.nanoTime();
      for (Future<?> f : claimers) f.get(2, TimeUnit.MINUTES);
      long elapsed = System.nanoTime() - t0;

      assertThat(started).extracting(Start::id).doesNotHaveDuplicates();
      assertThat(started)
          .extracting(Start::sequence)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.rangeClosed(1, started.size()).boxed().toList());
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Result(started.size() / (elapsed / 1e9), sorted);
    } finally {
      pool.shutdownNow();
      for (Database db : dbs) db.close();
    }
  }
}
