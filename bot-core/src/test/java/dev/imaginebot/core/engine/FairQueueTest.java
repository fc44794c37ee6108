package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairQueueTest {
  record Job(String user, String name) {}

  static final class Slot {
    final int concurrency;

    Slot(int concurrency) {
      this.concurrency = concurrency;
    }
  }

  private final Slot one = new Slot(1);

  private FairQueue<Job, Slot> queue(int perUserRunning, int perUserWaiting, int global) {
    return new FairQueue<>(
        Job::user, s -> s.concurrency, perUserRunning, perUserWaiting, global, 1000);
  }

  private static Job submit(FairQueue<Job, Slot> q, String user, String name) {
    assertThat(q.reserve(user)).isEqualTo(FairQueue.Admission.OK);
    Job j = new Job(user, name);
    q.add(j, true);
    return j;
  }

  private List<Job> drain(FairQueue<Job, Slot> q) {
    List<Job> out = new ArrayList<>();
    for (FairQueue.Start<Job, Slot> s : q.drain(j -> one).starts()) out.add(s.job());
    return out;
  }

  /** Starts jobs one at a time, finishing each before the next, as a one-at-a-time Space does. */
  private List<String> runOneAtATime(FairQueue<Job, Slot> q, List<Job> alreadyRunning) {
    List<String> order = new ArrayList<>();
    List<Job> running = new ArrayList<>(alreadyRunning);
    while (!running.isEmpty()) {
      for (Job j : running) q.release(j);
      running = drain(q);
      assertThat(running).hasSizeLessThanOrEqualTo(1);
      for (Job j : running) order.add(j.name());
    }
    return order;
  }

  @Test
  void thirtyUsersWithTwoJobsEachStartAllFirstJobsInArrivalOrderThenAllSecondJobs() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    List<Job> firstStart = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      submit(q, "u" + u, "u" + u + "-1");
      submit(q, "u" + u, "u" + u + "-2");
      firstStart.addAll(drain(q));
    }
    for (int u = 0; u < 30; u++) expected.add("u" + u + "-1");
    for (int u = 0; u < 30; u++) expected.add("u" + u + "-2");

    List<String> order = new ArrayList<>();
    for (Job j : firstStart) order.add(j.name());
    order.addAll(runOneAtATime(q, firstStart));
    assertThat(order).containsExactlyElementsOf(expected);
  }

  @Test
  void aNewcomerGoesBehindEveryoneAlreadyWaiting() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    Job a1 = submit(q, "alice", "a1");
    assertThat(drain(q)).containsExactly(a1);
    submit(q, "bob", "b1");
    submit(q, "carol", "c1");
    submit(q, "dave", "d1");
    assertThat(runOneAtATime(q, List.of(a1))).containsExactly("b1", "c1", "d1");
  }

  @Test
  void aUserServedThisRoundComesBackInTheNextOne() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    Job a1 = submit(q, "alice", "a1");
    drain(q);
    submit(q, "bob", "b1");
    q.release(a1);
    // Alice's job ended and she sends another while Bob still waits for his first turn.
    Job b1 = drain(q).get(0);
    submit(q, "alice", "a2");
    submit(q, "carol", "c1");
    assertThat(runOneAtATime(q, List.of(b1))).containsExactly("c1", "a2");
  }

  @Test
  void positionsCountTheJobsThatStartFirstAndReachZeroBeforeAJobStarts() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    Job a1 = submit(q, "alice", "a1");
    drain(q);
    Job a2 = submit(q, "alice", "a2");
    Job b1 = submit(q, "bob", "b1");
    Job b2 = submit(q, "bob", "b2");
    Job c1 = submit(q, "carol", "c1");
    assertThat(q.positions())
        .containsExactly(Map.entry(b1, 0), Map.entry(c1, 1), Map.entry(a2, 2), Map.entry(b2, 3));

    List<Job> running = List.of(a1);
    List<Job> started = new ArrayList<>();
    while (!running.isEmpty()) {
      Map<Job, Integer> before = q.positions();
      for (Job j : running) q.release(j);
      running = drain(q);
      for (Job j : running) {
        assertThat(before.get(j)).as("%s was at the front before it started", j).isZero();
      }
      started.addAll(running);
    }
    assertThat(started).containsExactly(b1, c1, a2, b2);
  }

  @Test
  void runningCapHoldsAUserBackWithoutLosingTheirPlace() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    Slot wide = new Slot(4);
    Job a1 = submit(q, "alice", "a1");
    Job a2 = submit(q, "alice", "a2");
    Job b1 = submit(q, "bob", "b1");
    List<Job> first = new ArrayList<>();
    for (var s : q.drain(j -> wide).starts()) first.add(s.job());
    assertThat(first).containsExactly(a1, b1);
    assertThat(q.waiting()).isEqualTo(1);
    Job c1 = submit(q, "carol", "c1");
    assertThat(q.drain(j -> wide).starts()).extracting(FairQueue.Start::job).containsExactly(c1);
    q.release(a1);
    assertThat(q.drain(j -> wide).starts()).extracting(FairQueue.Start::job).containsExactly(a2);
  }

  @Test
  void backendConcurrencyAndGlobalCapAreRespected() {
    FairQueue<Job, Slot> q = queue(4, 5, 3);
    Slot two = new Slot(2);
    for (int i = 0; i < 5; i++) submit(q, "u" + i, "j" + i);
    assertThat(q.drain(j -> two).starts()).hasSize(2);
    assertThat(q.drain(j -> new Slot(5)).starts()).hasSize(1);
    assertThat(q.running()).isEqualTo(3);
    assertThat(q.waiting()).isEqualTo(2);
  }

  @Test
  void waitingCapsAreCheckedWhenReservingAndReservationsCount() {
    FairQueue<Job, Slot> q = new FairQueue<>(Job::user, s -> s.concurrency, 1, 2, 0, 3);
    assertThat(q.reserve("alice")).isEqualTo(FairQueue.Admission.OK);
    assertThat(q.reserve("alice")).isEqualTo(FairQueue.Admission.OK);
    assertThat(q.reserve("alice")).isEqualTo(FairQueue.Admission.USER_LIMIT);
    assertThat(q.reserve("bob")).isEqualTo(FairQueue.Admission.OK);
    assertThat(q.reserve("carol")).isEqualTo(FairQueue.Admission.BUSY);
    q.unreserve("bob");
    assertThat(q.reserve("carol")).isEqualTo(FairQueue.Admission.OK);
    assertThatThrownBy(() -> q.add(new Job("dave", "d"), true))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRetryGoesFirstAndTheUserKeepsTheirRound() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    Job a1 = submit(q, "alice", "a1");
    drain(q);
    Job b1 = submit(q, "bob", "b1");
    Job a2 = submit(q, "alice", "a2");
    q.release(a1);
    q.retryFirst(a1);
    assertThat(q.positions().keySet()).containsExactly(a1, b1, a2);
    assertThat(drain(q)).containsExactly(a1);
    assertThat(runOneAtATime(q, List.of(a1))).containsExactly("b1", "a2");
  }

  @Test
  void unplaceableJobsAreHandedBackAndTheUsersNextJobIsTried() {
    FairQueue<Job, Slot> q = queue(1, 5, 8);
    Job a1 = submit(q, "alice", "a1");
    Job a2 = submit(q, "alice", "a2");
    FairQueue.Drained<Job, Slot> d = q.drain(j -> j == a1 ? null : one);
    assertThat(d.unplaceable()).containsExactly(a1);
    assertThat(d.starts()).extracting(FairQueue.Start::job).containsExactly(a2);
    assertThat(q.waiting()).isZero();
  }

  @Test
  void removingAWaitingJobMovesTheOthersUp() {
    FairQueue<Job, Slot> q = queue(1, 5, 0);
    Job a1 = submit(q, "alice", "a1");
    Job b1 = submit(q, "bob", "b1");
    assertThat(q.positions()).containsEntry(b1, 1);
    assertThat(q.remove(a1)).isTrue();
    assertThat(q.remove(a1)).isFalse();
    assertThat(q.positions()).containsExactly(Map.entry(b1, 0));
  }
}
