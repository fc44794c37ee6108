package dev.imaginebot.core.store;

import dev.imaginebot.core.DaemonThreads;
import dev.imaginebot.core.Role;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role that at most one of the instances sharing a database plays at a time, such as "the one
 * that long-polls Telegram": each instance asks for it, one gets it, the others stand by and one of
 * them gets it when the holder closes it, dies, or loses its database connection.
 *
 * <p>On PostgreSQL the role is a session-level advisory lock, held on a connection of the lock's
 * own (outside the pool): the server frees it the moment that session ends, also when the holder's
 * process is killed. A standby waits in {@code pg_advisory_lock}, so it takes over without polling.
 * The holder checks its connection every {@code checkEvery}; when the connection is gone (another
 * instance may hold the role now) it calls {@link Role.Listener#lost()} and competes again. So
 * after a holder's connection drops, two instances may both believe they hold the role for up to
 * {@code checkEvery}: keep it short, and keep work done under the role safe to overlap briefly.
 *
 * <p>On H2, which serves one process, the role is granted at once, on the caller's thread before
 * {@code request} returns, and held until closed ({@link #local}, likewise, for a core without a
 * database).
 *
 * <p>On PostgreSQL the listener is called on the lock's own thread. Either way {@code acquired()}
 * and {@code lost()} alternate, starting with {@code acquired()}, and a role held when the lock
 * closes is {@code lost()} before {@link #close} returns.
 */
public final class RoleLock implements Role {
  /** How often the holder checks its connection, by default. */
  public static final Duration DEFAULT_CHECK = Duration.ofSeconds(1);

  /** The application name prefix of the lock's session in {@code pg_stat_activity}. */
  static final String APPLICATION_NAME = "imagine-role:";

  private static final Logger log = LoggerFactory.getLogger(RoleLock.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Database db;
  private final String role;
  private final Role.Listener listener;
  private final Duration checkEvery;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean closed;
  private volatile boolean held;
  private volatile Statement waiting;

  private RoleLock(Database db, String role, Role.Listener listener, Duration checkEvery) {
    this.db = db;
    this.role = role;
    this.listener = listener;
    this.checkEvery = checkEvery;
    // Alone, the role needs no thread: it is granted on the caller's thread.
    this.thread =
        db != null && db.postgres()
            ? DaemonThreads.named("role-" + role).newThread(this::competeOnPostgres)
            : null;
  }

  /** Asks for {@code role} among the instances on {@code db}, checking every second. */
  public static RoleLock request(Database db, String role, Role.Listener listener) {
    return request(db, role, listener, DEFAULT_CHECK);
  }

  /**
   * Asks for {@code role} among the instances on {@code db}.
   *
   * @param role the role's name; instances that use the same name compete for the same role
   * @param checkEvery how often the holder checks that its connection (and so the role) is alive
   */
  public static RoleLock request(
      Database db, String role, Role.Listener listener, Duration checkEvery) {
    Objects.requireNonNull(db, "db == null");
    return start(db, role, listener, checkEvery);
  }

  /** A role nobody else competes for: granted at once, held until closed. */
  public static RoleLock local(String role, Role.Listener listener) {
    return start(null, role, listener, DEFAULT_CHECK);
  }

  private static RoleLock start(
      Database db, String role, Role.Listener listener, Duration checkEvery) {
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(listener, "listener == null");
    Objects.requireNonNull(checkEvery, "checkEvery == null");
    if (role.isEmpty()) throw new IllegalArgumentException("role is empty");
    if (checkEvery.isNegative() || checkEvery.isZero()) {
      throw new IllegalArgumentException("checkEvery must be positive: " + checkEvery);
    }
    RoleLock l = new RoleLock(db, role, listener, checkEvery);
    if (l.thread == null) {
      l.grant();
    } else {
      l.thread.start();
    }
    return l;
  }

  @Override
  public String name() {
    return role;
  }

  @Override
  public boolean held() {
    return held;
  }

  /** Gives the role up (another instance may take it at once) and stops competing for it. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread == null) {
      revoke();
      return;
    }
    if (Thread.currentThread() == thread) return;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      // A standby waits inside pg_advisory_lock: cancel that wait. Again until the thread ends, as
      // a cancel that comes just before the wait starts is lost.
      while (thread.isAlive() && System.nanoTime() < deadline) {
        Statement s = waiting;
        if (s != null) {
          try {
            s.cancel();
          } catch (SQLException e) {
            log.debug("Cancelling the wait for role {} failed", role, e);
          }
        }
        thread.join(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) log.warn("The lock for role {} did not stop within 10 s", role);
  }

  private void competeOnPostgres() {
    Duration backoff = FIRST_BACKOFF;
    while (!closed()) {
      try (Connection c = db.unpooledConnection(APPLICATION_NAME + role)) {
        try (Statement s = c.createStatement()) {
          // Waiting for the role is the point of this session: no server-side timeout may end it.
          s.execute("SET statement_timeout = 0");
          s.execute("SET lock_timeout = 0");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
          ps.setLong(1, key(role));
          waiting = ps;
          try {
            if (closed()) return;
            ps.execute();
          } finally {
            waiting = null;
          }
        }
        backoff = FIRST_BACKOFF;
        if (closed()) return;
        log.info("This instance holds role {}", role);
        grant();
        try {
          while (!awaitClose(checkEvery)) {
            if (!c.isValid(5)) {
              log.warn("Lost role {}: its database connection is gone", role);
              break;
            }
          }
        } finally {
          revoke();
        }
      } catch (SQLException | RuntimeException e) {
        revoke();
        if (closed()) return;
        log.warn(
            "Cannot compete for role {} ({}); trying again in {} ms",
            role,
            e.toString(),
            backoff.toMillis());
        if (awaitClose(backoff)) return;
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  private void grant() {
    held = true;
    try {
      listener.acquired();
    } catch (RuntimeException e) {
      log.error("Taking up role {} failed", role, e);
    }
  }

  private void revoke() {
    if (!held) return;
    held = false;
    try {
      listener.lost();
    } catch (RuntimeException e) {
      log.error("Giving up role {} failed", role, e);
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

  /** The advisory lock key of a role: 64-bit FNV-1a of its UTF-8 name, the same in every JVM. */
  static long key(String role) {
    long h = 0xcbf29ce484222325L;
    for (byte b : role.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
