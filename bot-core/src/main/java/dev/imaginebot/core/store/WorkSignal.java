package dev.imaginebot.core.store;

import dev.imaginebot.core.DaemonThreads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wake-up call for new work among the instances sharing a database: an instance that stored a job
 * calls {@link #notifyNewWork()}, and the listener of every instance's signal (its own included) is
 * called soon after, so idle instances claim work without polling the jobs table.
 *
 * <p>On PostgreSQL this is {@code LISTEN}/{@code NOTIFY} on channel {@value #CHANNEL}, listened to
 * on a connection of the signal's own (outside the pool); when that connection drops, the signal
 * reconnects with backoff and then calls the listener once, since notifications sent while it was
 * away are lost. On H2, which serves one process, it is an in-process signal.
 *
 * <p>Wake-ups are coalesced: several notifications that arrive while the listener runs lead to at
 * least one more call, not to one call each. The listener is a hint to look for work, never a count
 * of it: claim what is there (for example with {@link JobLeases#claim}). The listener is called on
 * the signal's own thread, one call at a time; it should return quickly. Close the signal before
 * the {@link Database}.
 */
public final class WorkSignal implements AutoCloseable {
  /** The PostgreSQL notification channel. */
  public static final String CHANNEL = "imagine_new_work";

  /** The application name of the listening session in {@code pg_stat_activity}. */
  static final String APPLICATION_NAME = "imagine-work-signal";

  private static final Logger log = LoggerFactory.getLogger(WorkSignal.class);

  /** How long one wait for notifications blocks, which bounds how long {@link #close} takes. */
  private static final int WAIT_MILLIS = 500;

  /** After this long without a notification the listening connection is checked. */
  private static final Duration CHECK_EVERY = Duration.ofSeconds(10);

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Database db;
  private final Runnable listener;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean pending;
  private boolean closed;

  private WorkSignal(Database db, Runnable listener) {
    this.db = db;
    this.listener = listener;
    this.thread =
        DaemonThreads.named("work-signal")
            .newThread(db.postgres() ? this::listenOnPostgres : this::listenInProcess);
  }

  /**
   * Starts listening for new work on {@code db}.
   *
   * @param listener called on the signal's thread after new work may have arrived
   */
  public static WorkSignal listen(Database db, Runnable listener) {
    Objects.requireNonNull(db, "db == null");
    Objects.requireNonNull(listener, "listener == null");
    WorkSignal signal = new WorkSignal(db, listener);
    signal.thread.start();
    return signal;
  }

  /**
   * Tells every instance there is new work. Call it after the transaction that stored the work
   * committed (before, an instance woken on H2 might not see the work yet).
   *
   * @throws StoreException when PostgreSQL cannot be reached
   */
  public void notifyNewWork() {
    if (!db.postgres()) {
      wake();
      return;
    }
    Sql.run(
        db,
        "notify new work",
        c -> {
          notifyOn(c);
          return null;
        });
  }

  /**
   * Tells every instance there is new work, inside the caller's transaction on {@code connection}:
   * on PostgreSQL the notification goes out when the transaction commits, and not at all when it
   * rolls back. On H2 the in-process signal goes at once (one process, which dispatches its own
   * work directly), so prefer {@link #notifyNewWork()} after the commit there.
   */
  public void notifyNewWork(Connection connection) throws SQLException {
    Objects.requireNonNull(connection, "connection == null");
    if (db.postgres()) {
      notifyOn(connection);
    } else {
      wake();
    }
  }

  private static void notifyOn(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
      ps.setString(1, CHANNEL);
      ps.execute();
    }
  }

  /** Stops listening; the listener is not called after this returns. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() == thread) return;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) log.warn("The work signal did not stop within 10 s");
  }

  private void wake() {
    lock.lock();
    try {
      pending = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private boolean closed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  private void listenInProcess() {
    while (true) {
      lock.lock();
      try {
        while (!pending && !closed) changed.awaitUninterruptibly();
        if (closed) return;
        pending = false;
      } finally {
        lock.unlock();
      }
      call();
    }
  }

  private void listenOnPostgres() {
    Duration backoff = FIRST_BACKOFF;
    boolean first = true;
    while (!closed()) {
      try (Connection c = db.unpooledConnection(APPLICATION_NAME)) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        backoff = FIRST_BACKOFF;
        if (!first) {
          log.info("Listening for new work again");
          // Notifications sent while the connection was down are lost: look once.
          call();
        }
        first = false;
        long quietSince = System.nanoTime();
        while (!closed()) {
          PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
          if (got != null && got.length > 0) {
            quietSince = System.nanoTime();
            if (!closed()) call();
          } else if (System.nanoTime() - quietSince > CHECK_EVERY.toNanos()) {
            // A connection cut without a FIN (a network partition) never errors on its own.
            if (!c.isValid(5)) throw new SQLException("listening connection is no longer valid");
            quietSince = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed()) return;
        log.warn(
            "Lost the connection listening for new work ({}); reconnecting in {} ms",
            e.toString(),
            backoff.toMillis());
        if (awaitClose(backoff)) return;
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
        first = false;
      }
    }
  }

  /** Waits up to {@code d} for {@link #close}; true when closed. */
  private boolean awaitClose(Duration d) {
    lock.lock();
    try {
      long left = d.toNanos();
      while (!closed && left > 0) left = changed.awaitNanos(left);
      return closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void call() {
    try {
      listener.run();
    } catch (RuntimeException e) {
      // The signal must outlive one failing look for work; the next wake-up looks again.
      log.error("The new-work listener failed", e);
    }
  }
}
