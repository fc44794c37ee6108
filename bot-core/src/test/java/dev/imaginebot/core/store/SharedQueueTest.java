package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.store.SharedQueue.Backend;
import dev.imaginebot.core.store.SharedQueue.Claimed;
import dev.imaginebot.core.store.SharedQueue.Limits;
import dev.imaginebot.core.store.SharedQueue.Next;
import dev.imaginebot.core.store.SharedQueue.Start;
import dev.imaginebot.core.store.SharedQueue.Takeover;
import dev.imaginebot.core.store.SharedQueue.Waiting;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class SharedQueueTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final ChatRef CHAT = new ChatRef("test", "room", true);
  private static final Backend SOLO = new Backend("solo", 1);
  private static final Backend WIDE = new Backend("wide", 20);

  @Parameter DbVendor vendor;
  @TempDir Path dir;
  TestClock clock = new TestClock(Instant.parse("2026-05-01T12:00:00Z"));

  /**
   * One database per instance on PostgreSQL (three pools on one database, as three processes would
   * have); on H2, which one process opens at a time, the instances share one.
   */
  final List<Database> instances = new ArrayList<>();

  Database db;
  JobStore jobs;
  SharedQueue queue;

  @BeforeEach
  void open() {
    String url = vendor.freshUrl();
    db = Database.open(url, dir, clock);
    instances.add(db);
    for (int i = 1; i < 3; i++) instances.add(url == null ? db : Database.open(url, dir, clock));
    jobs = new JobStore(db);
    queue = new SharedQueue(db);
  }

  @AfterEach
  void close() {
    for (Database d : Set.copyOf(instances)) d.close();
  }

  private long job(String user, String model) {
    return jobs.create(
            new UserRef("test", user, user, "en"), CHAT, "r", GenerationRequest.of("p"), model)
        .id();
  }

  private static List<Long> ids(Claimed claimed) {
    return claimed.starts().stream().map(Start::id).toList();
  }

  /** Every model on one backend. */
  private static SharedQueue.Picker on(Backend backend) {
    return job -> backend;
  }

  /** Ends a started job the way the engine would: its slot is free once it is terminal. */
  private void finish(JobStore store, long id) {
    store.markSubmitted(id, "b");
    store.markSucceeded(id, 1L, List.of());
  }

  // ---- the order and the caps, one claimer

  @Test
  void usersTakeTurnsInTheOrderTheyJoined() {
    long a1 = job("a", "m");
    long a2 = job("a", "m");
    long a3 = job("a", "m");
    long b1 = job("b", "m");
    long b2 = job("b", "m");
    long c1 = job("c", "m");

    Claimed claimed = queue.claim("x", LEASE, 10, new Limits(10, 10), on(WIDE));

    assertThat(ids(claimed)).containsExactly(a1, b1, c1, a2, b2, a3);
    assertThat(claimed.starts())
        .extracting(Start::sequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(claimed.starts()).extracting(Start::backend).containsOnly("wide");
  }

  @Test
  void aNewcomerGoesBeforeTheSecondTurnOfAUserServedBeforeThem() {
    long a1 = job("a", "m");
    long a2 = job("a", "m");
    Limits oneAtATime = new Limits(5, 1);
    assertThat(ids(queue.claim("x", LEASE, 5, oneAtATime, on(WIDE)))).containsExactly(a1);
    long b1 = job("b", "m");
    finish(jobs, a1);

    assertThat(ids(queue.claim("x", LEASE, 5, oneAtATime, on(WIDE)))).containsExactly(b1);
    finish(jobs, b1);
    assertThat(ids(queue.claim("x", LEASE, 5, oneAtATime, on(WIDE)))).containsExactly(a2);
  }

  @Test
  void aUserAtTheirRunningCapKeepsTheirPlaceForTheirNextTurn() {
    long a1 = job("a", "m");
    long a2 = job("a", "m");
    long b1 = job("b", "m");
    long b2 = job("b", "m");
    Limits oneEach = new Limits(1, 10);

    assertThat(ids(queue.claim("x", LEASE, 10, oneEach, on(WIDE)))).containsExactly(a1, b1);
    long c1 = job("c", "m");
    long c2 = job("c", "m");
    assertThat(ids(queue.claim("x", LEASE, 10, oneEach, on(WIDE)))).containsExactly(c1);
    finish(jobs, b1);
    finish(jobs, c1);
    // a's second turn comes before b's and c's, though b and c were free first.
    finish(jobs, a1);

    assertThat(ids(queue.claim("x", LEASE, 10, oneEach, on(WIDE)))).containsExactly(a2, b2, c2);
  }

  @Test
  void aFullBackendHoldsItsJobsWhileOthersStart() {
    long a1 = job("a", "slow");
    job("a", "slow");
    long b1 = job("b", "fast");
    SharedQueue.Picker byModel = w -> w.model().equals("slow") ? SOLO : WIDE;

    assertThat(ids(queue.claim("x", LEASE, 10, new Limits(5, 10), byModel)))
        .containsExactly(a1, b1);
    assertThat(queue.claim("x", LEASE, 10, new Limits(5, 10), byModel).isEmpty()).isTrue();
  }

  @Test
  void theGlobalCapCountsTheJobsOfEveryInstance() {
    for (int i = 0; i < 5; i++) job("u" + i, "m");
    SharedQueue other = new SharedQueue(instances.get(1));
    Limits two = new Limits(1, 2);

    assertThat(queue.claim("x", LEASE, 1, two, on(WIDE)).starts()).hasSize(1);
    assertThat(other.claim("y", LEASE, 5, two, on(WIDE)).starts()).hasSize(1);
    assertThat(other.claim("y", LEASE, 5, two, on(WIDE)).isEmpty()).isTrue();
    assertThat(queue.claim("x", LEASE, 5, two, on(WIDE)).isEmpty()).isTrue();
  }

  @Test
  void aJobNoBackendCanTakeIsHandedOverUnplaceableWithoutASlot() {
    long gone = job("a", "gone");
    long b1 = job("b", "m");
    SharedQueue.Picker picker = w -> w.model().equals("gone") ? null : SOLO;

    Claimed claimed = queue.claim("x", LEASE, 10, new Limits(1, 10), picker);

    assertThat(claimed.unplaceable()).containsExactly(gone);
    assertThat(ids(claimed)).containsExactly(b1);
    assertThat(new JobLeases(db).holder(gone)).contains("x");
    assertThat(queue.claim("y", LEASE, 10, new Limits(1, 10), picker).isEmpty()).isTrue();
  }

  @Test
  void aRetriedJobStartsAgainBeforeAnyoneElsesTurn() {
    long a1 = job("a", "m");
    long b1 = job("b", "m");
    Limits one = new Limits(5, 1);
    assertThat(ids(queue.claim("x", LEASE, 5, one, on(WIDE)))).containsExactly(a1);
    jobs.markSubmitted(a1, "wide");

    assertThat(queue.retry("y", a1)).isFalse();
    assertThat(queue.retry("x", a1)).isTrue();
    List<Waiting> seen = new ArrayList<>();
    Claimed again =
        queue.claim(
            "x",
            LEASE,
            1,
            one,
            w -> {
              seen.add(w);
              return SOLO;
            });

    assertThat(ids(again)).containsExactly(a1);
    assertThat(again.starts().get(0).backend()).isEqualTo("solo");
    assertThat(seen.get(0).retry()).isTrue();
    assertThat(seen.get(0).lastBackend()).isEqualTo("wide");
    finish(jobs, a1);
    assertThat(ids(queue.claim("x", LEASE, 5, one, on(WIDE)))).containsExactly(b1);
  }

  // ---- positions

  /** Claims one job at a time, with caps nothing reaches, until nothing waits: the start order. */
  private List<Long> startOneByOne() {
    List<Long> order = new ArrayList<>();
    Limits ample = new Limits(100, 100);
    for (Claimed claimed = queue.claim("x", LEASE, 1, ample, on(WIDE));
        !claimed.isEmpty();
        claimed = queue.claim("x", LEASE, 1, ample, on(WIDE))) {
      order.addAll(ids(claimed));
    }
    return order;
  }

  @Test
  void positionsAreTheOrderClaimsStartTheWaitingJobsIn() {
    long a0 = job("a", "m");
    long r0 = job("r", "m");
    assertThat(ids(queue.claim("x", LEASE, 2, new Limits(5, 5), on(WIDE)))).containsExactly(a0, r0);
    assertThat(queue.retry("x", r0)).isTrue();
    Map<String, List<Long>> byUser = new HashMap<>();
    for (int turn = 0; turn < 3; turn++) {
      for (String user : List.of("a", "b", "c", "d", "e")) {
        byUser.computeIfAbsent(user, k -> new ArrayList<>()).add(job(user, "m"));
      }
    }

    Map<Long, Integer> positions = queue.positions();

    List<Long> expected = new ArrayList<>(List.of(r0));
    for (int turn = 0; turn < 3; turn++) {
      // "a" had their turn in round 0 already, so they come after everyone who had not.
      for (String user : List.of("b", "c", "d", "e", "a")) expected.add(byUser.get(user).get(turn));
    }
    assertThat(positions.keySet()).containsExactlyElementsOf(expected);
    assertThat(positions.values()).containsExactlyElementsOf(rangeTo(expected.size()));
    assertThat(startOneByOne()).containsExactlyElementsOf(expected);
  }

  @Test
  void aNewcomersJobIsPlacedAtTheBackOfTheRoundBeingServed() {
    long a1 = job("a", "m");
    long a2 = job("a", "m");
    long b1 = job("b", "m");
    long b2 = job("b", "m");
    assertThat(ids(queue.claim("x", LEASE, 1, new Limits(5, 5), on(WIDE)))).containsExactly(a1);
    long c1 = job("c", "m");

    Map<Long, Integer> positions = queue.positions();

    assertThat(positions)
        .containsExactly(Map.entry(b1, 1), Map.entry(c1, 2), Map.entry(a2, 3), Map.entry(b2, 4));
    assertThat(startOneByOne()).containsExactlyElementsOf(positions.keySet());
  }

  @Test
  void aUserAtTheirRunningCapStillHasTheirJobsCountedWhereCapsAllowingWouldStartThem() {
    long a1 = job("a", "m");
    long a2 = job("a", "m");
    long b1 = job("b", "m");
    Limits onePerUser = new Limits(1, 10);
    assertThat(ids(queue.claim("x", LEASE, 5, onePerUser, on(WIDE)))).containsExactly(a1, b1);
    long c1 = job("c", "m");
    long c2 = job("c", "m");

    // a2 cannot start while a1 runs, but positions are the order if the caps allowed.
    assertThat(queue.positions())
        .containsExactly(Map.entry(c1, 1), Map.entry(a2, 2), Map.entry(c2, 3));
    assertThat(queue.positions(List.of(c2, a1, 999L))).containsExactly(Map.entry(c2, 3));
    assertThat(ids(queue.claim("x", LEASE, 5, onePerUser, on(WIDE)))).containsExactly(c1);
  }

  @Test
  void positionsDoNotWaitForAClaimHoldingTheQueueLock() throws Exception {
    long a1 = job("a", "m");
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
              c.prepareStatement("SELECT started FROM queue_state WHERE id = 1 FOR UPDATE");
          ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
      }
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        Future<Map<Long, Integer>> positions = reader.submit(() -> queue.positions());
        // A read that waited for the lock would wait until this transaction ends, so past this.
        assertThat(positions.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry(a1, 1));
      } finally {
        c.rollback();
        reader.shutdownNow();
      }
    }
  }

  private static List<Integer> rangeTo(int n) {
    List<Integer> range = new ArrayList<>();
    for (int i = 1; i <= n; i++) range.add(i);
    return range;
  }

  // ---- takeover

  @Test
  void aTakeoverSaysWhatTheResumptionNeeds() {
    long resubmit = job("a", "m");
    long download = job("b", "m");
    long deliver = job("c", "m");
    long delivered = job("d", "m");
    long waiting = job("e", "m");
    queue.claim("dead", LEASE, 4, new Limits(1, 4), on(WIDE));
    jobs.markSubmitted(resubmit, "wide");
    jobs.markSubmitted(download, "wide");
    jobs.saveResultFiles(download, List.of(new ResultFile("http://space/file/x.png", null, null)));
    jobs.markSucceeded(deliver, 7L, List.of());
    jobs.markFailed(delivered, "TIMEOUT", "slow");
    jobs.markDelivered(delivered);

    assertThat(queue.takeOver("alive", LEASE, 10)).isEmpty();
    clock.advance(LEASE);
    List<Takeover> taken = queue.takeOver("alive", LEASE, 10);

    assertThat(taken).extracting(Takeover::id).containsExactly(resubmit, download, deliver);
    assertThat(taken)
        .extracting(Takeover::next)
        .containsExactly(Next.RESUBMIT, Next.DOWNLOAD, Next.DELIVER);
    assertThat(taken).extracting(Takeover::previousOwner).containsOnly("dead");
    assertThat(taken).extracting(Takeover::backend).containsExactly("wide", "wide", null);
    assertThat(taken.get(1).hasResultFiles()).isTrue();
    assertThat(taken.get(2).finished()).isTrue();
    assertThat(taken.get(2).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(new JobLeases(db).holder(resubmit)).contains("alive");
    // The job that never started is the fair claim's, not a takeover's.
    assertThat(new JobLeases(db).holder(waiting)).isEmpty();
    assertThat(queue.takeOver("other", LEASE, 10)).isEmpty();
  }

  @Test
  void aStartedJobKeepsItsSlotWhenItsInstanceDiesAndIsTakenOver() {
    long a1 = job("a", "m");
    long b1 = job("b", "m");
    Limits caps = new Limits(1, 10);
    assertThat(ids(queue.claim("dead", LEASE, 5, caps, on(SOLO)))).containsExactly(a1);
    clock.advance(LEASE);

    // The Space may still be running it: the slot stays taken until the job ends.
    assertThat(queue.claim("alive", LEASE, 5, caps, on(SOLO)).isEmpty()).isTrue();
    assertThat(queue.takeOver("alive", LEASE, 5)).extracting(Takeover::id).containsExactly(a1);
    assertThat(queue.claim("alive", LEASE, 5, caps, on(SOLO)).isEmpty()).isTrue();
    finish(jobs, a1);

    assertThat(ids(queue.claim("alive", LEASE, 5, caps, on(SOLO)))).containsExactly(b1);
  }

  // ---- three instances at once

  /** A wake-up for claimers (what NOTIFY is in the bot): a counter bumped when a slot frees. */
  private static final class Wakeup {
    private long generation;

    synchronized long generation() {
      return generation;
    }

    synchronized void bump() {
      generation++;
      notifyAll();
    }

    synchronized void awaitChange(long seen) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (generation == seen) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) throw new AssertionError("no wake-up in 30 s");
        wait(left);
      }
    }
  }

  /** The caps, checked over the rows: one statement, so one consistent snapshot. */
  private void assertCapsHold(Limits limits, Map<String, Integer> concurrency) throws SQLException {
    Map<String, Integer> perBackend = new HashMap<>();
    Map<String, Integer> perUser = new HashMap<>();
    int total = 0;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT slot_backend, user_key, COUNT(*) FROM jobs WHERE slot_backend IS NOT NULL"
                    + " AND state IN ('QUEUED', 'SUBMITTED', 'RUNNING')"
                    + " GROUP BY slot_backend, user_key");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int n = rs.getInt(3);
        perBackend.merge(rs.getString(1), n, Integer::sum);
        perUser.merge(rs.getString(2), n, Integer::sum);
        total += n;
      }
    }
    assertThat(total).as("global running").isLessThanOrEqualTo(limits.globalRunning());
    perUser.forEach(
        (user, n) ->
            assertThat(n).as("running of " + user).isLessThanOrEqualTo(limits.perUserRunning()));
    perBackend.forEach(
        (backend, n) ->
            assertThat(n)
                .as("running on " + backend)
                .isLessThanOrEqualTo(concurrency.get(backend)));
  }

  private List<Long> startOrder() throws SQLException {
    List<Long> order = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM jobs WHERE start_seq IS NOT NULL ORDER BY start_seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) order.add(rs.getLong(1));
    }
    return order;
  }

  /** The issue's load: 30 users with two jobs each, user by user. Returns [job][user]. */
  private long[][] issueLoad(String model) {
    long[][] ids = new long[2][30];
    for (int u = 0; u < 30; u++) {
      ids[0][u] = job("u" + u, model);
      ids[1][u] = job("u" + u, model);
    }
    return ids;
  }

  /**
   * Runs {@code threadsEach} claimers on each instance until every one of {@code total} jobs was
   * started and finished; returns who claimed what.
   */
  private Map<Long, String> runClaimers(
      int threadsEach,
      int total,
      int max,
      Limits limits,
      SharedQueue.Picker picker,
      Map<String, Integer> concurrency)
      throws Exception {
    Map<Long, String> claimedBy = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> doubles = new ConcurrentLinkedQueue<>();
    AtomicInteger done = new AtomicInteger();
    Wakeup wakeup = new Wakeup();
    int threads = threadsEach * instances.size();
    CyclicBarrier go = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        Database instance = instances.get(i);
        String owner = "instance-" + i;
        SharedQueue shared = new SharedQueue(instance);
        JobStore store = new JobStore(instance);
        JobLeases leases = new JobLeases(instance);
        for (int t = 0; t < threadsEach; t++) {
          running.add(
              pool.submit(
                  () -> {
                    go.await();
                    while (done.get() < total) {
                      long seen = wakeup.generation();
                      Claimed got = shared.claim(owner, LEASE, max, limits, picker);
                      assertCapsHold(limits, concurrency);
                      if (got.isEmpty()) {
                        if (done.get() < total) wakeup.awaitChange(seen);
                        continue;
                      }
                      for (Start s : got.starts()) {
                        String before = claimedBy.putIfAbsent(s.id(), owner);
                        if (before != null) doubles.add(s.id() + ": " + before + ", " + owner);
                        assertThat(leases.holder(s.id())).contains(owner);
                      }
                      for (Start s : got.starts()) {
                        finish(store, s.id());
                        store.markDelivered(s.id());
                        leases.release(owner, s.id());
                        done.incrementAndGet();
                        wakeup.bump();
                      }
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : running) f.get(2, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    assertThat(doubles).as("jobs claimed twice").isEmpty();
    assertThat(claimedBy).hasSize(total);
    return claimedBy;
  }

  @Test
  void theIssuesLoadStartsStrictlyRoundRobinAcrossInstances() throws Exception {
    long[][] ids = issueLoad("m");
    Limits limits = new Limits(1, 8);

    Map<Long, String> claimedBy = runClaimers(2, 60, 2, limits, on(SOLO), Map.of("solo", 1));

    List<Long> expected = new ArrayList<>();
    for (long[] turn : ids) for (long id : turn) expected.add(id);
    assertThat(startOrder()).containsExactlyElementsOf(expected);
    assertThat(claimedBy).containsOnlyKeys(expected);
  }

  @Test
  void capsHoldAcrossInstancesUnderContention() throws Exception {
    long[][] ids = issueLoad("m");
    Limits limits = new Limits(1, 5);
    Backend even = new Backend("even", 3);
    Backend odd = new Backend("odd", 3);
    SharedQueue.Picker byUser =
        w -> Integer.parseInt(w.userKey().substring("test:u".length())) % 2 == 0 ? even : odd;

    runClaimers(3, 60, 3, limits, byUser, Map.of("even", 3, "odd", 3));

    // On each backend the same caps hold every user back alike, so there all first jobs start
    // in the order the users joined, before any second job.
    List<Long> order = startOrder();
    assertThat(order).hasSize(60);
    for (int parity = 0; parity < 2; parity++) {
      List<Long> firsts = new ArrayList<>();
      Set<Long> seconds = new HashSet<>();
      for (int u = parity; u < 30; u += 2) {
        firsts.add(ids[0][u]);
        seconds.add(ids[1][u]);
      }
      List<Long> onBackend =
          order.stream().filter(id -> firsts.contains(id) || seconds.contains(id)).toList();
      assertThat(onBackend.subList(0, 15)).containsExactlyElementsOf(firsts);
      assertThat(Set.copyOf(onBackend.subList(15, 30))).isEqualTo(seconds);
    }
  }

  @Test
  void aDeadInstancesJobsAreTakenOverByExactlyOneSurvivor() throws Exception {
    issueLoad("m");
    Limits limits = new Limits(1, 8);
    Map<String, Integer> concurrency = Map.of("wide", 20);
    // instance-0, which will die, starts three jobs first; then all claim at once.
    Map<Long, String> holders = new ConcurrentHashMap<>();
    for (Start s :
        new SharedQueue(instances.get(0))
            .claim("instance-0", LEASE, 3, limits, on(WIDE))
            .starts()) {
      holders.put(s.id(), "instance-0");
    }
    assertThat(holders).hasSize(3);
    CyclicBarrier go = new CyclicBarrier(instances.size() * 2);
    ExecutorService pool = Executors.newFixedThreadPool(instances.size() * 2);
    try {
      List<Future<?>> claims = new ArrayList<>();
      for (int n = 0; n < instances.size() * 2; n++) {
        int i = n % instances.size();
        SharedQueue shared = new SharedQueue(instances.get(i));
        claims.add(
            pool.submit(
                () -> {
                  go.await();
                  for (Claimed got = shared.claim("instance-" + i, LEASE, 1, limits, on(WIDE));
                      !got.isEmpty();
                      got = shared.claim("instance-" + i, LEASE, 1, limits, on(WIDE))) {
                    assertCapsHold(limits, concurrency);
                    for (Start s : got.starts()) {
                      assertThat(holders.putIfAbsent(s.id(), "instance-" + i)).isNull();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : claims) f.get(1, TimeUnit.MINUTES);

      assertThat(holders).hasSize(8);
      // instance-0 dies (stops renewing); the others renew, then its leases run out.
      clock.advance(LEASE.minusSeconds(1));
      Map<String, List<Long>> byOwner =
          holders.entrySet().stream()
              .collect(
                  Collectors.groupingBy(
                      Map.Entry::getValue,
                      Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
      for (int i = 1; i < instances.size(); i++) {
        String owner = "instance-" + i;
        List<Long> own = byOwner.getOrDefault(owner, List.of());
        assertThat(new JobLeases(instances.get(i)).renew(owner, own, LEASE))
            .containsExactlyInAnyOrderElementsOf(own);
      }
      clock.advance(Duration.ofSeconds(2));
      List<Long> dead = byOwner.getOrDefault("instance-0", List.of());

      Map<Long, String> takenBy = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Long> twice = new ConcurrentLinkedQueue<>();
      CyclicBarrier race = new CyclicBarrier(4);
      List<Future<?>> takers = new ArrayList<>();
      for (int n = 0; n < 4; n++) {
        int i = 1 + n % 2;
        String owner = "instance-" + i;
        SharedQueue shared = new SharedQueue(instances.get(i));
        takers.add(
            pool.submit(
                () -> {
                  race.await();
                  for (List<Takeover> got = shared.takeOver(owner, LEASE, 1);
                      !got.isEmpty();
                      got = shared.takeOver(owner, LEASE, 1)) {
                    for (Takeover t : got) {
                      assertThat(t.previousOwner()).isEqualTo("instance-0");
                      assertThat(t.next()).isEqualTo(Next.RESUBMIT);
                      if (takenBy.putIfAbsent(t.id(), owner) != null) twice.add(t.id());
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : takers) f.get(1, TimeUnit.MINUTES);

      assertThat(twice).isEmpty();
      assertThat(takenBy.keySet()).containsExactlyInAnyOrderElementsOf(dead);
      for (long id : dead) {
        assertThat(new JobLeases(db).holder(id)).contains(takenBy.get(id));
      }
      // The taken-over jobs still hold their slots: nothing more may start.
      assertCapsHold(limits, concurrency);
      assertThat(queue.claim("instance-1", LEASE, 5, limits, on(WIDE)).isEmpty()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
