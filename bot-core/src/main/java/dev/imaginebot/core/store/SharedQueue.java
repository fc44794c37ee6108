package dev.imaginebot.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The job queue every bot instance on one database shares: which waiting job starts next, across
 * all instances, by the same rules the engine's in-memory queue applies within one, and the
 * takeover of started jobs whose instance died.
 *
 * <h2>Fair order</h2>
 *
 * Strict round-robin across users in the order they joined the rotation. Every user with a waiting
 * job has a place {@code (round, seq)} in table {@code queue_users}; the lowest place is served
 * first. A user served in round {@code r} comes back in round {@code r + 1}, behind everyone still
 * waiting for a turn in {@code r}; a user who joins (their first waiting job appears) goes to the
 * back of the round being served, or of the next one if they already had their turn in it. A user
 * held back by their running cap, or by a full backend, keeps their place. When nothing waits and
 * nothing runs, past turns are forgotten. So 30 users with two jobs each start all first jobs, in
 * the order the users' first jobs were created, then all second jobs, whichever instance claims.
 * Waiting jobs belong to no instance; any instance may start any of them.
 *
 * <h2>Caps</h2>
 *
 * A job started here holds a slot on the backend it was started for (column {@code slot_backend})
 * until it reaches a terminal state, also while another instance takes it over. The per-user
 * running cap, each backend's concurrency and the global running cap are counts of these slots over
 * the whole database, so they hold across instances.
 *
 * <h2>Atomicity</h2>
 *
 * Every {@link #claim} first locks the single row of table {@code queue_state} ({@code SELECT ...
 * FOR UPDATE}), so claims run one at a time cluster-wide and each reads the slots the one before it
 * committed (both databases run at read committed: each statement sees what committed before it). A
 * row lock rather than a PostgreSQL advisory lock because H2 has no advisory locks and the same SQL
 * runs on both; the row also holds the rotation's counters, which every claim updates anyway, and
 * the lock goes with the transaction, also when an instance dies mid-claim. Claims are short (a few
 * statements), so serializing them costs little next to a job's minutes on a Space. Each job a
 * claim takes is locked with {@code FOR UPDATE SKIP LOCKED}: a job another transaction is writing
 * at that moment (being cancelled, say) is passed over rather than waited for. Lease renewal,
 * release and job updates never take the queue lock and only ever free capacity, so a claim can
 * only see the caps as fuller than they are, never emptier.
 *
 * <p>Lease times come from the database's {@link Database#clock()}, as in {@link JobLeases}, which
 * renews and releases the leases this class hands out. Methods are thread-safe and block on the
 * database.
 */
public final class SharedQueue {
  /** Places of retried jobs: before every round (the job already had its turn). */
  private static final long RETRY_ROUND = Long.MIN_VALUE;

  private static final String UNFINISHED = "state IN ('QUEUED', 'SUBMITTED', 'RUNNING')";

  /**
   * A job waiting for a start: queued, holding no slot, leased by no instance. (A waiting job's
   * lease that ran out is cleared at the start of the next claim: comparing timestamps on every
   * waiting row here made H2's claims many times slower.)
   */
  private static final String WAITING =
      "state = 'QUEUED' AND slot_backend IS NULL AND lease_until IS NULL";

  private final Database db;

  /** The shared queue of the jobs in {@code db}. */
  public SharedQueue(Database db) {
    this.db = Objects.requireNonNull(db, "db == null");
  }

  /**
   * The running caps a claim keeps, counted over every instance.
   *
   * @param perUserRunning jobs one user may have running at once (at least 1)
   * @param globalRunning jobs that may run at once in total (at least 1)
   */
  public record Limits(int perUserRunning, int globalRunning) {
    public Limits {
      if (perUserRunning < 1) throw new IllegalArgumentException("perUserRunning < 1");
      if (globalRunning < 1) throw new IllegalArgumentException("globalRunning < 1");
    }
  }

  /**
   * A backend a waiting job could start on.
   *
   * @param name the backend's name (its Space), as jobs store it
   * @param concurrency how many jobs it runs at once over all instances (at least 1)
   */
  public record Backend(String name, int concurrency) {
    public Backend {
      Objects.requireNonNull(name, "name == null");
      if (concurrency < 1) throw new IllegalArgumentException("concurrency < 1: " + concurrency);
    }
  }

  /**
   * A waiting job, as a {@link Picker} sees it.
   *
   * @param id the job id
   * @param userKey its user
   * @param model its model alias
   * @param lastBackend the backend it was last submitted to, or null
   * @param attempts how many times it was submitted
   * @param retry whether it was put back by {@link #retry} to try another backend
   * @param chatKey the chat it was asked in (models may be visible in one chat only)
   */
  public record Waiting(
      long id,
      String userKey,
      String model,
      String lastBackend,
      int attempts,
      boolean retry,
      String chatKey) {}

  /** Chooses the backend a waiting job would start on. Called inside the claim's transaction. */
  @FunctionalInterface
  public interface Picker {
    /**
     * The backend {@code job} should start on (if it is full, the job waits and its user keeps
     * their place), or null when no backend can take it at all.
     */
    Backend pick(Waiting job);
  }

  /**
   * A job this instance started: it holds a slot on {@code backend} and this instance's lease.
   *
   * @param id the job id
   * @param userKey its user
   * @param backend the backend whose slot it holds
   * @param sequence its place in the cluster-wide start order (1, 2, ...)
   */
  public record Start(long id, String userKey, String backend, long sequence) {}

  /**
   * What a {@link #claim} took: jobs to start now, in start order, and jobs for which the {@link
   * Picker} found no backend. Both are leased to the claimer; the second kind holds no slot and is
   * for the claimer to fail (or {@link JobLeases#release} back to the queue).
   */
  public record Claimed(List<Start> starts, List<Long> unplaceable) {
    public Claimed {
      starts = List.copyOf(starts);
      unplaceable = List.copyOf(unplaceable);
    }

    /** Whether nothing was claimed. */
    public boolean isEmpty() {
      return starts.isEmpty() && unplaceable.isEmpty();
    }
  }

  /** What an instance that takes over a job must do with it. */
  public enum Next {
    /** The job finished but its outcome was not shown: deliver it (its images are stored). */
    DELIVER,
    /** The Space had finished (its output files are stored): download them, then deliver. */
    DOWNLOAD,
    /** The job was cut on its way: submit it again (same planned seed and parameters). */
    RESUBMIT
  }

  /**
   * A started job this instance took over from one whose lease ran out, now leased to this one. The
   * job's stored request, planned seed and result files are what the resumption uses ({@link
   * JobStore#recoverable} and {@link JobStore#find} read them).
   *
   * @param id the job id
   * @param state its state when taken over
   * @param backend the backend whose slot it holds, or null (a finished job)
   * @param previousOwner the instance whose lease ran out, or null (never leased)
   * @param hasResultFiles whether the Space's output files are stored
   * @param finished whether it reached a terminal state (and awaits delivery)
   * @param next what to do with it
   */
  public record Takeover(
      long id,
      JobState state,
      String backend,
      String previousOwner,
      boolean hasResultFiles,
      boolean finished,
      Next next) {}

  /**
   * Starts, for {@code owner}, up to {@code max} waiting jobs in the cluster-wide fair order,
   * within {@code limits} and each backend's concurrency: each started job gets a slot on the
   * backend {@code picker} chose and a lease for {@code lease} from now. Blocks while another
   * instance claims.
   *
   * @param owner the claiming instance's id (at most 200 characters)
   * @return what was claimed; empty when nothing may start now
   */
  public Claimed claim(String owner, Duration lease, int max, Limits limits, Picker picker) {
    JobLeases.checkOwner(owner);
    JobLeases.checkLease(lease);
    if (max < 1) throw new IllegalArgumentException("max < 1: " + max);
    Objects.requireNonNull(limits, "limits == null");
    Objects.requireNonNull(picker, "picker == null");
    Instant now = db.clock().instant();
    return Sql.inTransaction(
        db,
        "claim from the shared queue",
        c -> new Drain(c, owner, now, now.plus(lease), max, limits, picker).run());
  }

  /**
   * The place in the queue of every waiting job: its 1-based position in the order claims would
   * start the waiting jobs if no cap held anyone back, 1 being the next to start. Retried jobs come
   * first, then the rotation, one job per user per turn, users who have not joined it yet at its
   * back, as {@link #claim} would place them (the same walk, run without starting anything).
   *
   * <p>Caps are ignored: a user at their running cap, or whose backend is full, still has their
   * jobs counted where they would stand once the cap allows them, so a position is the number of
   * jobs due to start before or with this one, not a promise about when. A waiting job whose
   * instance died holding its lease is left out until the next claim frees it. Reads only: takes no
   * lock and never blocks or waits for a claim; at read committed its statements may see a claim's
   * commit in between, so under load a position may be off by what that claim started. Reads the
   * waiting jobs in one query.
   *
   * @return job id to position, in position order; empty when nothing waits
   */
  public Map<Long, Integer> positions() {
    return Sql.inTransaction(db, "read queue positions", c -> Drain.dryRun(c).positions());
  }

  /**
   * The {@link #positions()} of the jobs among {@code ids} that wait, in position order; jobs that
   * are not waiting (started, finished, unknown) are left out.
   */
  public Map<Long, Integer> positions(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids == null");
    Set<Long> wanted = Set.copyOf(ids);
    Map<Long, Integer> out = new LinkedHashMap<>();
    positions()
        .forEach(
            (id, position) -> {
              if (wanted.contains(id)) out.put(id, position);
            });
    return out;
  }

  /**
   * Takes over, for {@code owner}, up to {@code max} started or finished-but-undelivered jobs whose
   * lease ran out (their instance died or gave them up), oldest first, for {@code lease} from now.
   * Each such job goes to exactly one claimer; it keeps its slot. Does not wait for the queue lock.
   */
  public List<Takeover> takeOver(String owner, Duration lease, int max) {
    JobLeases.checkOwner(owner);
    JobLeases.checkLease(lease);
    if (max < 1) throw new IllegalArgumentException("max < 1: " + max);
    Instant now = db.clock().instant();
    return Sql.inTransaction(
        db,
        "take over jobs",
        c -> {
          List<Takeover> taken = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, state, slot_backend, lease_owner, result_files, finished_at"
                      + " FROM jobs WHERE (lease_until IS NULL OR lease_until <= ?)"
                      + " AND ((slot_backend IS NOT NULL AND "
                      + UNFINISHED
                      + ") OR (finished_at IS NOT NULL AND delivered_at IS NULL))"
                      + " ORDER BY id FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED")) {
            Sql.setTs(ps, 1, now);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                JobState state = JobState.valueOf(rs.getString("state"));
                String files = rs.getString("result_files");
                // saveResultFiles writes a JSON list; an empty one is no output to download.
                boolean hasFiles = files != null && !files.isBlank() && !files.equals("[]");
                boolean finished = rs.getObject("finished_at") != null || state.terminal();
                Next next = finished ? Next.DELIVER : hasFiles ? Next.DOWNLOAD : Next.RESUBMIT;
                taken.add(
                    new Takeover(
                        rs.getLong("id"),
                        state,
                        finished ? null : rs.getString("slot_backend"),
                        rs.getString("lease_owner"),
                        hasFiles,
                        finished,
                        next));
              }
            }
          }
          if (taken.isEmpty()) return taken;
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE id = ?")) {
            for (Takeover t : taken) {
              ps.setString(1, owner);
              Sql.setTs(ps, 2, now.plus(lease));
              ps.setLong(3, t.id());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return taken;
        });
  }

  /**
   * Puts a started job {@code owner} holds back into the queue to try another backend: its slot and
   * lease are freed, it is queued again and starts before anyone's next turn (as the engine's
   * failover does within one instance). The {@link Picker} sees it with {@code retry} set and its
   * last backend.
   *
   * @return false when {@code owner} does not hold the job or it is finished
   */
  public boolean retry(String owner, long id) {
    JobLeases.checkOwner(owner);
    return Sql.run(
            db,
            "retry job",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE jobs SET state = 'QUEUED', queue_position = NULL,"
                          + " slot_backend = NULL, queue_retry = TRUE, lease_owner = NULL,"
                          + " lease_until = NULL WHERE id = ? AND lease_owner = ? AND "
                          + UNFINISHED)) {
                ps.setLong(1, id);
                ps.setString(2, owner);
                return ps.executeUpdate();
              }
            })
        > 0;
  }

  // ---------------------------------------------------------------------------------------------

  /** A user's place in the rotation; lower goes first. */
  private record Place(long round, long seq) implements Comparable<Place> {
    @Override
    public int compareTo(Place o) {
      int c = Long.compare(round, o.round);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** A user as one claim sees them. */
  private static final class User {
    final String key;

    /** The place stored in {@code queue_users}; null when not in the rotation. */
    Place stored;

    /** Where the user is in this claim's walk (the stored place, or a retry's). */
    Place at;

    long nextRound;
    boolean known;
    boolean dirty;
    int running;

    /** Waiting jobs read for this claim, head first (retries first, then oldest). */
    final ArrayDeque<Waiting> jobs = new ArrayDeque<>();

    /** Whether {@link #jobs} was read (only users the walk reaches are). */
    boolean loaded;

    /** Waiting jobs in the database, read or not. */
    long remaining;

    /** The id of the user's oldest waiting job. */
    long oldest;

    /** The id of the user's oldest retried job waiting, or 0 when none. */
    long retry;

    User(String key) {
      this.key = key;
    }
  }

  /**
   * One claim, inside its transaction; or, as a dry run, the walk a claim with no caps would make,
   * which starts, locks and writes nothing (for {@link #positions()}).
   */
  private static final class Drain {
    /** Caps no queue reaches: a dry run orders the waiting jobs as if nothing held them back. */
    private static final Limits UNCAPPED = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    private static final Backend ANY = new Backend("", Integer.MAX_VALUE);

    private final boolean dryRun;
    private final Connection c;
    private final String owner;
    private final Instant now;
    private final Instant until;
    private final int max;
    private final Limits limits;
    private final Picker picker;

    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Integer> backendRunning = new HashMap<>();
    private final TreeMap<Place, User> rotation = new TreeMap<>();
    private final List<Start> starts = new ArrayList<>();
    private final List<Long> unplaceable = new ArrayList<>();
    private int running;
    private long round;
    private long nextPlace;
    private long started;

    /** Whether rows of users out of the rotation may have become removable. */
    private boolean forget;

    Drain(
        Connection c,
        String owner,
        Instant now,
        Instant until,
        int max,
        Limits limits,
        Picker picker) {
      this.c = c;
      this.owner = owner;
      this.now = now;
      this.until = until;
      this.max = max;
      this.limits = limits;
      this.picker = picker;
      this.dryRun = owner == null;
    }

    /** A dry run: {@link #positions} walks the whole queue with no caps. */
    static Drain dryRun(Connection c) {
      return new Drain(c, null, null, null, Integer.MAX_VALUE, UNCAPPED, job -> ANY);
    }

    /** The order this walk starts every waiting job in, as 1-based positions. */
    Map<Long, Integer> positions() throws SQLException {
      readQueueState();
      readSlots();
      readWaiting();
      loadAll();
      readRotation();
      join();
      walk();
      Map<Long, Integer> positions = new LinkedHashMap<>();
      for (Start s : starts) positions.put(s.id(), positions.size() + 1);
      return positions;
    }

    Claimed run() throws SQLException {
      lockQueue();
      expireWaitingLeases();
      readSlots();
      if (running >= limits.globalRunning()) return new Claimed(List.of(), List.of());
      readWaiting();
      readRotation();
      join();
      walk();
      write();
      return new Claimed(starts, unplaceable);
    }

    /** Serializes claims cluster-wide; see the class comment. */
    private void lockQueue() throws SQLException {
      readQueueState(" FOR UPDATE");
    }

    /** Reads the rotation's counters without the lock: a dry run must not hold claims up. */
    private void readQueueState() throws SQLException {
      readQueueState("");
    }

    private void readQueueState(String lock) throws SQLException {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT current_round, next_place, started FROM queue_state WHERE id = 1"
                      + lock);
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) throw new SQLException("queue_state row missing");
        round = rs.getLong(1);
        nextPlace = rs.getLong(2);
        started = rs.getLong(3);
      }
    }

    /** Frees waiting jobs whose lease ran out (their instance died before failing them). */
    private void expireWaitingLeases() throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_until <= ?"
                  + " AND state = 'QUEUED' AND slot_backend IS NULL")) {
        Sql.setTs(ps, 1, now);
        ps.executeUpdate();
      }
    }

    private void readSlots() throws SQLException {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_key, slot_backend, COUNT(*) FROM jobs"
                      + " WHERE slot_backend IS NOT NULL AND "
                      + UNFINISHED
                      + " GROUP BY user_key, slot_backend");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int n = rs.getInt(3);
          user(rs.getString(1)).running += n;
          backendRunning.merge(rs.getString(2), n, Integer::sum);
          running += n;
        }
      }
    }

    /**
     * Counts each user's waiting jobs. Their jobs themselves are read only for users the walk
     * reaches ({@link #load}): usually a few at the front of the rotation.
     */
    private void readWaiting() throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT user_key, COUNT(*), MIN(id), MIN(CASE WHEN queue_retry THEN id END)"
                  + " FROM jobs WHERE "
                  + WAITING
                  + " GROUP BY user_key")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            User u = user(rs.getString(1));
            u.remaining = rs.getLong(2);
            u.oldest = rs.getLong(3);
            long retry = rs.getLong(4);
            u.retry = rs.wasNull() ? 0 : retry;
          }
        }
      }
    }

    /**
     * Reads every waiting job at once, for a dry run that walks them all: one query instead of one
     * per waiting user ({@link #load}), in the same order per user.
     */
    private void loadAll() throws SQLException {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, user_key, model, backend, attempts, queue_retry, chat_key FROM jobs"
                      + " WHERE "
                      + WAITING
                      + " ORDER BY user_key, CASE WHEN queue_retry THEN 0 ELSE 1 END, id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) user(rs.getString(2)).jobs.addLast(waiting(rs));
      }
      for (User u : users.values()) u.loaded = true;
    }

    private static Waiting waiting(ResultSet rs) throws SQLException {
      return new Waiting(
          rs.getLong(1),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4),
          rs.getInt(5),
          rs.getBoolean(6),
          rs.getString(7));
    }

    /** Reads {@code u}'s first waiting jobs: one claim starts at most {@code max} of them. */
    private void load(User u) throws SQLException {
      u.loaded = true;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, user_key, model, backend, attempts, queue_retry, chat_key FROM jobs"
                  + " WHERE user_key = ? AND "
                  + WAITING
                  + " ORDER BY CASE WHEN queue_retry THEN 0 ELSE 1 END, id"
                  + " FETCH FIRST ? ROWS ONLY")) {
        ps.setString(1, u.key);
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            u.jobs.addLast(waiting(rs));
          }
        }
      }
    }

    private void readRotation() throws SQLException {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_key, place_round, place_seq, next_round FROM queue_users");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          User u = user(rs.getString(1));
          u.known = true;
          long placeRound = rs.getLong(2);
          if (!rs.wasNull()) u.stored = new Place(placeRound, rs.getLong(3));
          u.nextRound = rs.getLong(4);
        }
      }
    }

    /**
     * Brings the rotation up to date with the jobs: users whose waiting jobs are gone (cancelled)
     * leave it, users with new waiting jobs join it at the back, in the order of their oldest
     * waiting job.
     */
    private void join() {
      boolean anyPlace = false;
      long latestTurn = round;
      List<User> joining = new ArrayList<>();
      for (User u : users.values()) {
        if (u.remaining == 0 && u.stored != null) {
          u.stored = null;
          forget = true;
          u.dirty = true;
        }
        if (u.stored != null) anyPlace = true;
        if (u.remaining > 0 && u.stored == null) joining.add(u);
        latestTurn = Math.max(latestTurn, u.nextRound);
      }
      if (!anyPlace && running == 0) {
        // Nothing waits or runs: past turns no longer order anyone.
        forget |= latestTurn > round;
        round = latestTurn;
      }
      joining.sort((a, b) -> Long.compare(a.oldest, b.oldest));
      for (User u : joining) {
        u.stored = new Place(Math.max(u.nextRound, round), nextPlace++);
        u.dirty = true;
      }
      for (User u : users.values()) {
        if (u.stored != null) rejoin(u);
      }
    }

    /** Starts, in rotation order, what the caps allow (as the engine's FairQueue#drain). */
    private void walk() throws SQLException {
      Map.Entry<Place, User> at = rotation.firstEntry();
      while (at != null
          && running < limits.globalRunning()
          && starts.size() + unplaceable.size() < max) {
        Place place = at.getKey();
        User u = at.getValue();
        // Found before `u` may move: `u` goes behind this place, so the walk meets it again.
        at = rotation.higherEntry(place);
        if (u.running >= limits.perUserRunning()) continue;
        if (!u.loaded) load(u);
        Waiting job = u.jobs.peekFirst();
        if (job == null) {
          // Its jobs changed since they were counted (cancelled, say): done with it this time.
          rotation.remove(place);
          continue;
        }
        Backend backend = picker.pick(job);
        if (backend != null
            && backendRunning.getOrDefault(backend.name(), 0) >= backend.concurrency()) {
          continue;
        }
        u.jobs.pollFirst();
        rotation.remove(place);
        if (!lock(job.id())) {
          // Another transaction holds the row right now (cancelling it, say): pass it over this
          // time. It still waits, so the user keeps their place.
          rejoin(u);
          if (u.at != null && (at == null || u.at.compareTo(at.getKey()) < 0)) {
            at = rotation.ceilingEntry(u.at);
          }
          continue;
        }
        u.remaining--;
        if (backend == null) {
          unplaceable.add(job.id());
          lease(job.id(), null, 0);
        } else {
          long sequence = ++started;
          lease(job.id(), backend.name(), sequence);
          starts.add(new Start(job.id(), u.key, backend.name(), sequence));
          u.running++;
          running++;
          backendRunning.merge(backend.name(), 1, Integer::sum);
          if (place.round() != RETRY_ROUND) {
            served(u, place.round());
            if (u.remaining > 0) u.stored = new Place(Math.max(u.nextRound, round), nextPlace++);
          }
        }
        if (u.remaining <= 0) {
          u.stored = null;
          forget = true;
          u.dirty = true;
          continue;
        }
        rejoin(u);
        // The user's new place may come before the next one found above (a retry was served, or
        // the user's next job keeps their place).
        if (u.at != null && (at == null || u.at.compareTo(at.getKey()) < 0)) {
          at = rotation.ceilingEntry(u.at);
        }
      }
    }

    /** Puts {@code u} back into this walk at their next job's place, if there is one to read. */
    private void rejoin(User u) {
      long retryId;
      if (u.loaded) {
        Waiting head = u.jobs.peekFirst();
        if (head == null) {
          u.at = null; // more wait, but not among those this claim read
          return;
        }
        retryId = head.retry() ? head.id() : 0;
      } else {
        retryId = u.retry;
      }
      u.at = retryId != 0 ? new Place(RETRY_ROUND, retryId) : u.stored;
      rotation.put(u.at, u);
    }

    private void served(User u, long servedRound) {
      if (servedRound == RETRY_ROUND) return;
      forget |= servedRound > round;
      round = Math.max(round, servedRound);
      u.nextRound = Math.max(servedRound + 1, round);
      u.dirty = true;
    }

    /** Locks a waiting job for this claim; false when it is not waiting or another holds it. */
    private boolean lock(long id) throws SQLException {
      // A dry run takes what it read: it leases nothing, so it need not own the row.
      if (dryRun) return true;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id FROM jobs WHERE id = ? AND " + WAITING + " FOR UPDATE SKIP LOCKED")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    }

    private void lease(long id, String backend, long sequence) throws SQLException {
      if (dryRun) return;
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE jobs SET lease_owner = ?, lease_until = ?, slot_backend = ?, start_seq = ?,"
                  + " queue_retry = FALSE WHERE id = ?")) {
        ps.setString(1, owner);
        Sql.setTs(ps, 2, until);
        ps.setString(3, backend);
        Sql.setLong(ps, 4, backend == null ? null : sequence);
        ps.setLong(5, id);
        ps.executeUpdate();
      }
    }

    private void write() throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE queue_state SET current_round = ?, next_place = ?, started = ? WHERE id = 1")) {
        ps.setLong(1, round);
        ps.setLong(2, nextPlace);
        ps.setLong(3, started);
        ps.executeUpdate();
      }
      // Every write to queue_users happens under the queue lock, so update-else-insert is safe.
      try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE queue_users SET place_round = ?, place_seq = ?, next_round = ?"
                      + " WHERE user_key = ?");
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO queue_users (place_round, place_seq, next_round, user_key)"
                      + " VALUES (?, ?, ?, ?)")) {
        for (User u : users.values()) {
          if (!u.dirty) continue;
          PreparedStatement ps = u.known ? update : insert;
          Sql.setLong(ps, 1, u.stored == null ? null : u.stored.round());
          Sql.setLong(ps, 2, u.stored == null ? null : u.stored.seq());
          ps.setLong(3, u.nextRound);
          ps.setString(4, u.key);
          ps.executeUpdate();
        }
      }
      if (!forget) return;
      // A user with no place whose next turn is due in the current round is like one never seen.
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM queue_users WHERE place_round IS NULL AND next_round <= ?")) {
        ps.setLong(1, round);
        ps.executeUpdate();
      }
    }

    private User user(String key) {
      return users.computeIfAbsent(key, User::new);
    }
  }
}
