package dev.imaginebot.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Platform updates, stored before the platform is told they arrived, so that a crash at any instant
 * leaves either nothing the platform considers delivered or a stored update that the next start
 * handles. Keys are the platform's own update ids: storing one twice (a redelivery) says so.
 *
 * <p>Every method is one short transaction, safe to call from any thread.
 */
public final class InboxStore {
  /** Longest payload kept; Telegram updates are a few KB. */
  public static final int MAX_PAYLOAD = 200_000;

  private final Database db;
  private final String instance;

  /** The inbox in {@code db}, of a bot that runs as one process. */
  public InboxStore(Database db) {
    this(db, null);
  }

  /** The inbox in {@code db} as the instance {@code instance} (null: one process) sees it. */
  public InboxStore(Database db, String instance) {
    this.db = Objects.requireNonNull(db, "db == null");
    this.instance = instance;
  }

  /**
   * Stores an update. Returns false when it was stored before (the platform redelivered it), in
   * which case it must not be handled again unless {@link #pending} lists it.
   */
  public boolean receive(String platform, String key, String payload) {
    Objects.requireNonNull(platform, "platform == null");
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(payload, "payload == null");
    if (payload.length() > MAX_PAYLOAD) throw new IllegalArgumentException("payload too long");
    Instant now = db.clock().instant();
    return Sql.run(
        db,
        "store update",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO inbox (platform, update_key, payload, received_at, received_by)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, platform);
            ps.setString(2, Sql.cut(key, 200));
            ps.setString(3, payload);
            Sql.setTs(ps, 4, now);
            ps.setString(5, instance);
            ps.executeUpdate();
            return true;
          } catch (SQLException e) {
            if (Sql.isDuplicate(e)) return false;
            throw e;
          }
        });
  }

  /** Marks an update handled: it is not handed out again. */
  public void handled(String platform, String key) {
    Instant now = db.clock().instant();
    Sql.run(
        db,
        "mark update handled",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE inbox SET handled_at = ? WHERE platform = ? AND update_key = ?"
                      + " AND handled_at IS NULL")) {
            Sql.setTs(ps, 1, now);
            ps.setString(2, platform);
            ps.setString(3, Sql.cut(key, 200));
            return ps.executeUpdate();
          }
        });
  }

  /** Updates stored but not handled (left by a crash or a full worker queue), oldest first. */
  public List<Pending> pending(String platform, int limit) {
    return pending(platform, limit, null);
  }

  /**
   * Like {@link #pending(String, int)}, of the updates other instances stored only those received
   * before {@code receivedBefore} (all when null): an update another instance stored a moment ago
   * is in the hands of that live instance, not left by a dead one. This instance's own (stored by
   * its earlier run, which is over) are all handed out.
   */
  public List<Pending> pending(String platform, int limit, Instant receivedBefore) {
    return Sql.run(
        db,
        "pending updates",
        c -> {
          List<Pending> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT update_key, payload FROM inbox WHERE platform = ? AND handled_at IS NULL"
                      + (receivedBefore == null
                          ? ""
                          : " AND (received_at < ? OR received_by IS NULL OR received_by = ?)")
                      + " ORDER BY received_at, update_key")) {
            ps.setString(1, platform);
            if (receivedBefore != null) {
              Sql.setTs(ps, 2, receivedBefore);
              ps.setString(3, instance == null ? "" : instance);
            }
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(new Pending(rs.getString(1), rs.getString(2)));
            }
          }
          return out;
        });
  }

  /**
   * Forgets handled updates older than {@code age}: platforms stop redelivering an update long
   * before (Telegram keeps unconfirmed updates for 24 hours).
   */
  public int prune(Duration age) {
    Instant limit = db.clock().instant().minus(age);
    return Sql.run(
        db,
        "prune inbox",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM inbox WHERE handled_at IS NOT NULL AND received_at < ?")) {
            Sql.setTs(ps, 1, limit);
            return ps.executeUpdate();
          }
        });
  }

  /** A stored update not yet handled. */
  public record Pending(String key, String payload) {}
}
