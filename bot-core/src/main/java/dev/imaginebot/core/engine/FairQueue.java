package dev.imaginebot.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;

/**
 * The bot's scheduling rules, with no threads, clock or database: strict round-robin across users
 * in the order they joined the rotation, within per-user caps for running and waiting jobs, each
 * backend's concurrency and a global cap.
 *
 * <p>Round-robin works in rounds. Every user waiting has a place {@code (round, arrival)}; the
 * lowest place is served first. A user served in round {@code r} comes back in round {@code r + 1},
 * behind everyone still waiting for a turn in {@code r}; a newcomer joins the round being served,
 * at its back. So with one slot, 30 users sending two jobs each start all first jobs in the order
 * the users arrived, then all second jobs. A user held back by their own running cap, or by a full
 * backend, keeps their place.
 *
 * <p>Not thread-safe: the engine calls it under its lock. Jobs are compared by identity.
 *
 * @param <J> a job
 * @param <B> a backend, compared by identity
 */
final class FairQueue<J, B> {
  /** Whether a job may be queued. */
  enum Admission {
    OK,
    /** The user already has as many jobs waiting as allowed. */
    USER_LIMIT,
    /** The bot already has as many jobs waiting as allowed. */
    BUSY
  }

  /** A job to start now on {@code backend}. */
  record Start<J, B>(J job, B backend) {}

  /** What {@link #drain} decided: jobs to start, and jobs no backend can take (now dequeued). */
  record Drained<J, B>(List<Start<J, B>> starts, List<J> unplaceable) {}

  /** A backend choice for a waiting job: the backend, or null when none is left to try. */
  interface Picker<J, B> {
    B pick(J job);
  }

  /** A user's place in the rotation; lower goes first. */
  private record Place(long round, long arrival) implements Comparable<Place> {
    @Override
    public int compareTo(Place o) {
      int c = Long.compare(round, o.round);
      return c != 0 ? c : Long.compare(arrival, o.arrival);
    }
  }

  /** A user's remaining jobs in the simulation behind {@link #forEachPosition}. */
  private static final class Turn<J> {
    final Iterator<J> jobs;
    long nextRound;

    Turn(Iterator<J> jobs, long nextRound) {
      this.jobs = jobs;
      this.nextRound = nextRound;
    }
  }

  /** Failover retries go before every round: the job already had its turn. */
  private static final long RETRY_ROUND = Long.MIN_VALUE;

  private static final class User<J> {
    final String key;
    final ArrayDeque<J> waiting = new ArrayDeque<>(2);
    int running;
    int reserved;

    /** The lowest round this user may be served in next. */
    long nextRound;

    /** Where the user is in the rotation; null when nothing of theirs waits. */
    Place place;

    User(String key) {
      this.key = key;
    }
  }

  private final Function<J, String> userOf;
  private final ToIntFunction<B> concurrency;
  private final int perUserRunning;
  private final int perUserWaiting;
  private final int globalRunning;
  private final int maxWaiting;

  private final Map<String, User<J>> users = new HashMap<>();
  private final TreeMap<Place, User<J>> rotation = new TreeMap<>();
  private final Map<J, B> runningOn = new IdentityHashMap<>();
  private final Map<B, Integer> backendRunning = new IdentityHashMap<>();

  /** Users served in {@link #round} who have nothing left here, so a comeback is not a turn. */
  private final Set<String> servedThisRound = new HashSet<>();

  private long round;
  private long arrivals;
  private int waiting;
  private int reserved;

  /**
   * @param userOf the user a job belongs to
   * @param concurrency how many jobs a backend runs at once
   */
  FairQueue(
      Function<J, String> userOf,
      ToIntFunction<B> concurrency,
      int perUserRunning,
      int perUserWaiting,
      int globalRunning,
      int maxWaiting) {
    this.userOf = Objects.requireNonNull(userOf, "userOf == null");
    this.concurrency = Objects.requireNonNull(concurrency, "concurrency == null");
    this.perUserRunning = perUserRunning;
    this.perUserWaiting = perUserWaiting;
    this.globalRunning = globalRunning;
    this.maxWaiting = maxWaiting;
  }

  /**
   * Holds a waiting place for one of {@code user}'s jobs, if the caps allow, until {@link #add} or
   * {@link #unreserve}: lets the caller write the job down without holding its lock.
   */
  Admission reserve(String user) {
    User<J> u = users.get(user);
    if (u != null && u.waiting.size() + u.reserved >= perUserWaiting) return Admission.USER_LIMIT;
    if (waiting + reserved >= maxWaiting) return Admission.BUSY;
    if (u == null) {
      u = new User<>(user);
      users.put(user, u);
    }
    u.reserved++;
    reserved++;
    return Admission.OK;
  }

  /** Gives back a place held by {@link #reserve} that will not be used. */
  void unreserve(String user) {
    User<J> u = users.get(user);
    if (u == null || u.reserved == 0) throw new IllegalStateException("no reservation: " + user);
    u.reserved--;
    reserved--;
    forgetIfIdle(u);
  }

  /**
   * Queues {@code job} behind its user's other jobs; a user not in the rotation joins it at the
   * back of the round being served.
   *
   * @param reserved whether {@link #reserve} held a place for it (jobs resumed after a restart are
   *     taken back without one)
   */
  void add(J job, boolean reserved) {
    String key = userOf.apply(job);
    if (reserved && (users.get(key) == null || users.get(key).reserved == 0)) {
      throw new IllegalStateException("no reservation: " + key);
    }
    User<J> u = users.computeIfAbsent(key, User::new);
    if (reserved) {
      u.reserved--;
      this.reserved--;
    }
    if (waiting == 0 && this.reserved == 0 && runningOn.isEmpty()) {
      // The bot is idle: past turns no longer order anyone (and who was served is forgotten).
      round++;
      servedThisRound.clear();
    }
    u.waiting.addLast(job);
    waiting++;
    if (u.place == null) {
      long first = servedThisRound.contains(key) ? round + 1 : round;
      place(u, Math.max(u.nextRound, first));
    }
  }

  /**
   * Puts a job that was running (and was {@link #release}d) back at the head of its user's queue,
   * ahead of every round: it tries its next backend before anyone's next turn.
   */
  void retryFirst(J job) {
    User<J> u = users.computeIfAbsent(userOf.apply(job), User::new);
    u.waiting.addFirst(job);
    waiting++;
    if (u.place != null) rotation.remove(u.place);
    u.place = new Place(RETRY_ROUND, arrivals++);
    rotation.put(u.place, u);
  }

  /**
   * Starts, in rotation order, what the caps allow. A job whose user is at their running cap, or
   * whose backend is full, waits and keeps its user's place.
   */
  Drained<J, B> drain(Picker<J, B> picker) {
    List<Start<J, B>> starts = new ArrayList<>();
    List<J> unplaceable = new ArrayList<>();
    Map.Entry<Place, User<J>> at = rotation.firstEntry();
    while (at != null && runningOn.size() < globalRunning) {
      Place place = at.getKey();
      User<J> u = at.getValue();
      // Found before `u` may move: `u` goes behind this place, so the walk meets it again.
      at = rotation.higherEntry(place);
      if (u.running >= perUserRunning) continue;
      J job = u.waiting.peekFirst();
      B backend = picker.pick(job);
      if (backend == null) {
        dequeue(u);
        unplaceable.add(job);
        if (u.waiting.isEmpty()) leave(u);
        else at = rotation.ceilingEntry(place); // the user's next job, same place
        continue;
      }
      if (backendRunning.getOrDefault(backend, 0) >= concurrency.applyAsInt(backend)) continue;
      dequeue(u);
      u.running++;
      runningOn.put(job, backend);
      backendRunning.merge(backend, 1, Integer::sum);
      starts.add(new Start<>(job, backend));
      served(u, place.round());
      if (u.waiting.isEmpty()) {
        leave(u);
      } else {
        rotation.remove(place);
        place(u, u.nextRound);
        // The user's new place may come before the next one found above (a retry was served).
        if (at == null || u.place.compareTo(at.getKey()) < 0) at = rotation.ceilingEntry(u.place);
      }
    }
    return new Drained<>(starts, unplaceable);
  }

  /** Frees a running job's slots (it ended, or is about to be retried). False if not running. */
  boolean release(J job) {
    B backend = runningOn.remove(job);
    if (backend == null) return false;
    backendRunning.merge(backend, -1, Integer::sum);
    User<J> u = users.get(userOf.apply(job));
    u.running--;
    forgetIfIdle(u);
    return true;
  }

  /** Takes a waiting job out of the queue (cancelled). False if it was not waiting. */
  boolean remove(J job) {
    User<J> u = users.get(userOf.apply(job));
    if (u == null) return false;
    Iterator<J> it = u.waiting.iterator();
    while (it.hasNext()) {
      if (it.next() == job) {
        it.remove();
        waiting--;
        if (u.waiting.isEmpty()) leave(u);
        return true;
      }
    }
    return false;
  }

  /**
   * Every waiting job with its position: how many waiting jobs start before it if slots free up one
   * at a time, in start order. For tests; the engine uses {@link #forEachPosition}.
   */
  Map<J, Integer> positions() {
    Map<J, Integer> out = new LinkedHashMap<>(waiting * 2);
    forEachPosition(out::put);
    return out;
  }

  /**
   * Calls {@code action} with every waiting job and its position, in start order. Simulates the
   * rotation with one first-in-first-out line per round (a user served in a round always joins a
   * later one at its back), so it costs O(waiting), with no sorting.
   */
  void forEachPosition(ObjIntConsumer<J> action) {
    TreeMap<Long, ArrayDeque<Turn<J>>> rounds = new TreeMap<>();
    for (User<J> u : rotation.values()) {
      rounds
          .computeIfAbsent(u.place.round(), r -> new ArrayDeque<>())
          .addLast(new Turn<>(u.waiting.iterator(), u.nextRound));
    }
    long simRound = round;
    int position = 0;
    Map.Entry<Long, ArrayDeque<Turn<J>>> line;
    while ((line = rounds.pollFirstEntry()) != null) {
      long r = line.getKey();
      for (Turn<J> t : line.getValue()) {
        action.accept(t.jobs.next(), position++);
        if (!t.jobs.hasNext()) continue;
        long next;
        if (r == RETRY_ROUND) {
          next = Math.max(t.nextRound, simRound);
        } else {
          simRound = Math.max(simRound, r);
          next = Math.max(r + 1, simRound);
        }
        // Never the line being walked: a later round, or (after a retry) the current one.
        t.nextRound = next;
        ArrayDeque<Turn<J>> later = rounds.get(next);
        if (later == null) rounds.put(next, later = new ArrayDeque<>());
        later.addLast(t);
      }
    }
  }

  /** Jobs waiting (not counting places only reserved). */
  int waiting() {
    return waiting;
  }

  /** Jobs running. */
  int running() {
    return runningOn.size();
  }

  /** Whether {@code job} holds running slots. */
  boolean isRunning(J job) {
    return runningOn.containsKey(job);
  }

  // ---------------------------------------------------------------------------------------------

  private void dequeue(User<J> u) {
    u.waiting.pollFirst();
    waiting--;
  }

  private void served(User<J> u, long servedRound) {
    if (servedRound == RETRY_ROUND) return;
    if (servedRound > round) {
      round = servedRound;
      servedThisRound.clear();
    }
    servedThisRound.add(u.key);
    u.nextRound = Math.max(servedRound + 1, round);
  }

  private void place(User<J> u, long inRound) {
    u.place = new Place(Math.max(inRound, round), arrivals++);
    rotation.put(u.place, u);
  }

  private void leave(User<J> u) {
    if (u.place != null) rotation.remove(u.place);
    u.place = null;
    forgetIfIdle(u);
  }

  private void forgetIfIdle(User<J> u) {
    if (u.waiting.isEmpty() && u.running == 0 && u.reserved == 0) users.remove(u.key);
  }
}
