package dev.imaginebot.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What admins changed (settings, models), when and who. Append only. */
public final class AuditLog {
  private final Database db;

  /** The audit log in {@code db}. */
  public AuditLog(Database db) {
    this.db = Objects.requireNonNull(db, "db == null");
  }

  /** Appends an entry stamped now, in no particular chat. */
  public void record(String actorKey, String action, String detail) {
    record(actorKey, null, action, detail);
  }

  /**
   * Appends an entry stamped now.
   *
   * @param chatKey the chat the action happened in ({@code platform:id}), or null
   */
  public void record(String actorKey, String chatKey, String action, String detail) {
    Objects.requireNonNull(actorKey, "actorKey == null");
    Objects.requireNonNull(action, "action == null");
    Instant now = db.clock().instant();
    Sql.run(
        db,
        "record audit entry",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO audit (at, actor_key, action, detail, chat_key)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            Sql.setTs(ps, 1, now);
            ps.setString(2, Sql.cut(actorKey, 200));
            ps.setString(3, Sql.cut(action, 100));
            ps.setString(4, Sql.cut(detail, 4000));
            ps.setString(5, chatKey == null ? null : Sql.cut(chatKey, 200));
            return ps.executeUpdate();
          }
        });
  }

  /** The latest {@code limit} entries, newest first. */
  public List<AuditEntry> recent(int limit) {
    return recent(null, limit);
  }

  /**
   * The latest {@code limit} entries of one chat, newest first.
   *
   * @param chatKey the chat ({@code platform:id}); null for every chat
   */
  public List<AuditEntry> recent(String chatKey, int limit) {
    if (limit < 0) throw new IllegalArgumentException("limit < 0");
    if (limit == 0) return List.of();
    return Sql.run(
        db,
        "recent audit entries",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, at, actor_key, action, detail FROM audit"
                      + (chatKey == null ? "" : " WHERE chat_key = ?")
                      + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
            int i = 1;
            if (chatKey != null) ps.setString(i++, chatKey);
            ps.setInt(i, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new AuditEntry(
                        rs.getLong("id"),
                        Sql.instant(rs, "at"),
                        rs.getString("actor_key"),
                        rs.getString("action"),
                        rs.getString("detail")));
              }
            }
            return out;
          }
        });
  }
}
