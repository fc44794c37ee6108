package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.imaginebot.core.job.GenerationRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class JobLeasesTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @Parameter DbVendor vendor;
  @TempDir Path dir;
  TestClock clock = new TestClock(Instant.parse("2026-05-01T12:00:00Z"));
  Database db;
  JobStore jobs;
  JobLeases leases;

  @BeforeEach
  void open() {
    db = Database.open(vendor.freshUrl(), dir, clock);
    jobs = new JobStore(db);
    leases = new JobLeases(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private long job(String prompt) {
    return jobs.create(
            JobStoreTest.ALICE, JobStoreTest.GUILD, "r", GenerationRequest.of(prompt), "flux")
        .id();
  }

  @Test
  void eachJobGoesToOneOwnerOldestFirst() {
    long first = job("one");
    long second = job("two");
    long third = job("three");

    assertThat(leases.claim("a", LEASE, 2)).containsExactly(first, second);
    assertThat(leases.claim("b", LEASE, 2)).containsExactly(third);
    assertThat(leases.claim("c", LEASE, 2)).isEmpty();
    assertThat(leases.holder(second)).contains("a");
    assertThat(leases.holder(third)).contains("b");
  }

  @Test
  void theJobsOfAnInstanceThatStoppedRenewingAreTakenOverWhenItsLeaseRunsOut() {
    long id = job("one");
    assertThat(leases.claim("dead", LEASE, 5)).containsExactly(id);

    clock.advance(LEASE.minusSeconds(1));
    assertThat(leases.claim("alive", LEASE, 5)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(leases.claim("alive", LEASE, 5)).containsExactly(id);

    assertThat(leases.holder(id)).contains("alive");
    assertThat(leases.renew("dead", List.of(id), LEASE)).isEmpty();
  }

  @Test
  void renewingKeepsTheJobPastItsFirstLease() {
    long id = job("one");
    leases.claim("a", LEASE, 5);

    clock.advance(Duration.ofSeconds(20));
    assertThat(leases.renew("a", List.of(id), LEASE)).containsExactly(id);
    clock.advance(Duration.ofSeconds(20));

    assertThat(leases.claim("b", LEASE, 5)).isEmpty();
    assertThat(leases.holder(id)).contains("a");
  }

  @Test
  void aReleasedJobCanBeClaimedAtOnceAndOnlyItsOwnerReleasesIt() {
    long id = job("one");
    leases.claim("a", LEASE, 5);

    leases.release("b", id);
    assertThat(leases.holder(id)).contains("a");
    leases.release("a", id);

    assertThat(leases.holder(id)).isEmpty();
    assertThat(leases.claim("b", LEASE, 5)).containsExactly(id);
  }

  @Test
  void onlyJobsThatNeedWorkAreClaimed() {
    long delivered = job("delivered");
    jobs.markFailed(delivered, "TIMEOUT", "slow");
    jobs.markDelivered(delivered);
    long undelivered = job("undelivered");
    jobs.markFailed(undelivered, "TIMEOUT", "slow");
    long running = job("running");
    jobs.markSubmitted(running, "a/b");
    jobs.markRunning(running);

    assertThat(leases.claim("a", LEASE, 10)).containsExactly(undelivered, running);
  }

  @Test
  void instancesClaimingAtTheSameTimeNeverShareAJob() throws Exception {
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) all.add(job("p" + i));
    int instances = 3;
    ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int n = 0; n < instances; n++) {
        String owner = "instance-" + n;
        running.add(
            pool.submit(
                () -> {
                  go.await();
                  for (List<Long> got = leases.claim(owner, LEASE, 3);
                      !got.isEmpty();
                      got = leases.claim(owner, LEASE, 3)) {
                    claimed.addAll(got);
                    assertThat(leases.renew(owner, got, LEASE)).containsExactlyElementsOf(got);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    assertThat(Set.copyOf(claimed)).hasSize(all.size());
  }

  @Test
  void aClaimPassesOverARowAnotherInstanceIsClaimingInsteadOfWaitingForIt() throws Exception {
    long locked = job("locked");
    long free = job("free");
    try (Connection other = db.dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (PreparedStatement ps =
          other.prepareStatement("SELECT id FROM jobs WHERE id = ? FOR UPDATE")) {
        ps.setLong(1, locked);
        ps.executeQuery().close();
      }

      List<Long> got =
          assertTimeoutPreemptively(Duration.ofSeconds(5), () -> leases.claim("b", LEASE, 5));

      assertThat(got).containsExactly(free);
      other.rollback();
    }
    assertThat(leases.claim("c", LEASE, 5)).containsExactly(locked);
  }
}
