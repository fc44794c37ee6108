package dev.imaginebot.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Scoped key/value settings. Scopes are {@code "user:<userKey>"}, {@code "chat:<chatKey>"} and
 * {@code "global"}; resolving a value across scopes is the caller's business.
 */
public final class SettingsStore {
  /** Longest value stored. */
  public static final int MAX_VALUE_LENGTH = 4000;

  private final Database db;

  /** Settings in {@code db}. */
  public SettingsStore(Database db) {
    this.db = Objects.requireNonNull(db, "db == null");
  }

  /** The value of {@code key} in {@code scope}, if set. */
  public Optional<String> get(String scope, String key) {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(key, "key == null");
    return Sql.run(
        db,
        "get setting",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT setting_value FROM settings WHERE scope = ? AND setting_key = ?")) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /**
   * Sets {@code key} in {@code scope}, replacing any value.
   *
   * @throws IllegalArgumentException when the value is longer than {@link #MAX_VALUE_LENGTH}
   */
  public void put(String scope, String key, String value) {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(value, "value == null");
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("setting value longer than " + MAX_VALUE_LENGTH);
    }
    Instant now = db.clock().instant();
    // Auto-commit per statement, so a failed insert does not spoil a transaction on databases
    // that abort the whole transaction on an error.
    Sql.run(
        db,
        "put setting",
        c -> {
          // Update, else insert: portable where MERGE/UPSERT syntax is not. A racing insert of
          // the same key loses with a duplicate-key error and then updates.
          for (int attempt = 0; ; attempt++) {
            try (PreparedStatement up =
                c.prepareStatement(
                    "UPDATE settings SET setting_value = ?, updated_at = ?"
                        + " WHERE scope = ? AND setting_key = ?")) {
              up.setString(1, value);
              Sql.setTs(up, 2, now);
              up.setString(3, scope);
              up.setString(4, key);
              if (up.executeUpdate() > 0) return null;
            }
            try (PreparedStatement ins =
                c.prepareStatement(
                    "INSERT INTO settings (scope, setting_key, setting_value, updated_at)"
                        + " VALUES (?, ?, ?, ?)")) {
              ins.setString(1, scope);
              ins.setString(2, key);
              ins.setString(3, value);
              Sql.setTs(ins, 4, now);
              ins.executeUpdate();
              return null;
            } catch (SQLException e) {
              if (!Sql.isDuplicate(e) || attempt > 0) throw e;
            }
          }
        });
  }

  /** Removes {@code key} from {@code scope}; nothing happens when it is not set. */
  public void remove(String scope, String key) {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(key, "key == null");
    Sql.run(
        db,
        "remove setting",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM settings WHERE scope = ? AND setting_key = ?")) {
            ps.setString(1, scope);
            ps.setString(2, key);
            return ps.executeUpdate();
          }
        });
  }
}
