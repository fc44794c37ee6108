package dev.imaginebot.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Leases on jobs, so that several bot instances on one database share its jobs: an instance claims
 * jobs that need work, renews its leases while it works on them, and releases each when done. The
 * jobs of an instance that dies are claimed by another once their leases run out.
 *
 * <p>A job needs work while it is unfinished, or finished but not yet delivered. Claims never hand
 * one job to two owners, also when instances claim at the same moment (rows are locked with {@code
 * FOR UPDATE SKIP LOCKED}, so claimers pass over each other's rows instead of waiting).
 *
 * <p>Lease times come from this database's {@link Database#clock()}: instances sharing a database
 * need clocks kept in step (NTP), with leases much longer than the skew between them. Methods are
 * thread-safe and block on the database.
 */
public final class JobLeases {
  private static final String NEEDS_WORK =
      "(state IN ('QUEUED', 'SUBMITTED', 'RUNNING')"
          + " OR (finished_at IS NOT NULL AND delivered_at IS NULL))";

  private final Database db;

  /** Leases on the jobs in {@code db}. */
  public JobLeases(Database db) {
    this.db = Objects.requireNonNull(db, "db == null");
  }

  /**
   * Claims up to {@code max} jobs that need work and that no live lease holds (none, or one that
   * ran out), oldest first, for {@code lease} from now.
   *
   * @param owner the claiming instance's id (at most 200 characters)
   * @return the ids of the jobs claimed, oldest first; empty when there are none
   */
  public List<Long> claim(String owner, Duration lease, int max) {
    checkOwner(owner);
    checkLease(lease);
    if (max < 1) throw new IllegalArgumentException("max < 1: " + max);
    Instant now = db.clock().instant();
    return Sql.inTransaction(
        db,
        "claim jobs",
        c -> {
          List<Long> ids = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM jobs WHERE "
                      + NEEDS_WORK
                      + " AND (lease_until IS NULL OR lease_until <= ?)"
                      + " ORDER BY id FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED")) {
            Sql.setTs(ps, 1, now);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) ids.add(rs.getLong(1));
            }
          }
          if (ids.isEmpty()) return ids;
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE id = ?")) {
            for (long id : ids) {
              ps.setString(1, owner);
              Sql.setTs(ps, 2, now.plus(lease));
              ps.setLong(3, id);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return ids;
        });
  }

  /**
   * Extends {@code owner}'s leases on {@code ids} to {@code lease} from now.
   *
   * @return the ids {@code owner} still holds; a job missing from it was taken over by another
   *     instance (its lease ran out first) and must not be worked on any more here
   */
  public Set<Long> renew(String owner, Collection<Long> ids, Duration lease) {
    checkOwner(owner);
    checkLease(lease);
    List<Long> list = List.copyOf(ids);
    Instant until = db.clock().instant().plus(lease);
    return Sql.run(
        db,
        "renew leases",
        c -> {
          Set<Long> held = new LinkedHashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?")) {
            for (long id : list) {
              Sql.setTs(ps, 1, until);
              ps.setLong(2, id);
              ps.setString(3, owner);
              if (ps.executeUpdate() > 0) held.add(id);
            }
          }
          return held;
        });
  }

  /** Gives up {@code owner}'s lease on job {@code id}, if it holds it: others may claim it now. */
  public void release(String owner, long id) {
    checkOwner(owner);
    Sql.run(
        db,
        "release lease",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET lease_owner = NULL, lease_until = NULL"
                      + " WHERE id = ? AND lease_owner = ?")) {
            ps.setLong(1, id);
            ps.setString(2, owner);
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Ends the leases an earlier run of the same instance held: owners named {@code instance + "#" +
   * ...} other than {@code owner}. That run is over (an instance id belongs to one process at a
   * time), so its jobs need not wait for their leases to run out before they are taken over.
   *
   * @return how many leases ended
   */
  public int releaseEarlierRuns(String instance, String owner) {
    checkOwner(owner);
    String prefix = instance + "#";
    if (!owner.startsWith(prefix)) {
      throw new IllegalArgumentException("owner " + owner + " is not of instance " + instance);
    }
    return Sql.run(
        db,
        "release earlier runs' leases",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET lease_owner = NULL, lease_until = NULL"
                      + " WHERE lease_owner <> ? AND LEFT(lease_owner, ?) = ?")) {
            ps.setString(1, owner);
            ps.setInt(2, prefix.length());
            ps.setString(3, prefix);
            return ps.executeUpdate();
          }
        });
  }

  /** The owner of job {@code id}'s live lease; empty when none holds it (or it ran out). */
  public Optional<String> holder(long id) {
    Instant now = db.clock().instant();
    return Sql.run(
        db,
        "lease holder",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT lease_owner FROM jobs WHERE id = ? AND lease_until > ?")) {
            ps.setLong(1, id);
            Sql.setTs(ps, 2, now);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  static void checkOwner(String owner) {
    Objects.requireNonNull(owner, "owner == null");
    if (owner.isEmpty() || owner.length() > 200) {
      throw new IllegalArgumentException("owner must have 1 to 200 characters");
    }
  }

  static void checkLease(Duration lease) {
    Objects.requireNonNull(lease, "lease == null");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive: " + lease);
    }
  }
}
