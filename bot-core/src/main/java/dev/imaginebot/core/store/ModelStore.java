package dev.imaginebot.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.core.CoreConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Models admins added at run time (models from the config file are not stored): global ones, which
 * bot admins add, and those a chat's admin added for their chat only. Backends are kept as JSON
 * text in a stable shape of their own, so renaming a Java field can't lose stored models.
 */
public final class ModelStore {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final TypeReference<List<BackendJson>> BACKENDS = new TypeReference<>() {};

  private final Database db;

  /** Admin-added models in {@code db}. */
  public ModelStore(Database db) {
    this.db = Objects.requireNonNull(db, "db == null");
  }

  /** Every stored model, in the order they were first added. */
  public List<CoreConfig.ModelConfig> all() {
    return Sql.run(
        db,
        "list models",
        c -> {
          List<CoreConfig.ModelConfig> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT alias, display_name, backends_json FROM models"
                          + " ORDER BY created_at, alias");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new CoreConfig.ModelConfig(
                      rs.getString("alias"),
                      rs.getString("display_name"),
                      fromJson(rs.getString("alias"), rs.getString("backends_json"))));
            }
          }
          return out;
        });
  }

  /** Adds a model, or replaces the one with the same alias (keeping its place in the order). */
  public void put(CoreConfig.ModelConfig model) {
    Objects.requireNonNull(model, "model == null");
    String json = toJson(model.backends());
    Instant now = db.clock().instant();
    Sql.run(
        db,
        "put model",
        c -> {
          for (int attempt = 0; ; attempt++) {
            try (PreparedStatement up =
                c.prepareStatement(
                    "UPDATE models SET display_name = ?, backends_json = ?, updated_at = ?"
                        + " WHERE alias = ?")) {
              up.setString(1, model.displayName());
              up.setString(2, json);
              Sql.setTs(up, 3, now);
              up.setString(4, model.alias());
              if (up.executeUpdate() > 0) return null;
            }
            try (PreparedStatement ins =
                c.prepareStatement(
                    "INSERT INTO models (alias, display_name, backends_json, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, ?)")) {
              ins.setString(1, model.alias());
              ins.setString(2, model.displayName());
              ins.setString(3, json);
              Sql.setTs(ins, 4, now);
              Sql.setTs(ins, 5, now);
              ins.executeUpdate();
              return null;
            } catch (SQLException e) {
              if (!Sql.isDuplicate(e) || attempt > 0) throw e;
            }
          }
        });
  }

  /** Removes a model; false when there was none with that alias. */
  public boolean remove(String alias) {
    Objects.requireNonNull(alias, "alias == null");
    return Sql.run(
        db,
        "remove model",
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM models WHERE alias = ?")) {
            ps.setString(1, alias);
            return ps.executeUpdate() > 0;
          }
        });
  }

  /** Every model a chat's admin added, by chat key, each chat's in the order they were added. */
  public Map<String, List<CoreConfig.ModelConfig>> allInChats() {
    return Sql.run(
        db,
        "list chat models",
        c -> {
          Map<String, List<CoreConfig.ModelConfig>> out = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT chat_key, alias, display_name, backends_json FROM chat_models"
                          + " ORDER BY chat_key, created_at, alias");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.computeIfAbsent(rs.getString("chat_key"), k -> new ArrayList<>())
                  .add(
                      new CoreConfig.ModelConfig(
                          rs.getString("alias"),
                          rs.getString("display_name"),
                          fromJson(rs.getString("alias"), rs.getString("backends_json"))));
            }
          }
          return out;
        });
  }

  /**
   * Adds a model visible only in the chat {@code chatKey} ({@code platform:id}), or replaces that
   * chat's model with the same alias.
   */
  public void putInChat(String chatKey, CoreConfig.ModelConfig model) {
    Objects.requireNonNull(chatKey, "chatKey == null");
    Objects.requireNonNull(model, "model == null");
    String json = toJson(model.backends());
    Instant now = db.clock().instant();
    Sql.run(
        db,
        "put chat model",
        c -> {
          for (int attempt = 0; ; attempt++) {
            try (PreparedStatement up =
                c.prepareStatement(
                    "UPDATE chat_models SET display_name = ?, backends_json = ?, updated_at = ?"
                        + " WHERE chat_key = ? AND alias = ?")) {
              up.setString(1, model.displayName());
              up.setString(2, json);
              Sql.setTs(up, 3, now);
              up.setString(4, chatKey);
              up.setString(5, model.alias());
              if (up.executeUpdate() > 0) return null;
            }
            try (PreparedStatement ins =
                c.prepareStatement(
                    "INSERT INTO chat_models (chat_key, alias, display_name, backends_json,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
              ins.setString(1, chatKey);
              ins.setString(2, model.alias());
              ins.setString(3, model.displayName());
              ins.setString(4, json);
              Sql.setTs(ins, 5, now);
              Sql.setTs(ins, 6, now);
              ins.executeUpdate();
              return null;
            } catch (SQLException e) {
              if (!Sql.isDuplicate(e) || attempt > 0) throw e;
            }
          }
        });
  }

  /** Removes one of a chat's models; false when that chat has none with that alias. */
  public boolean removeFromChat(String chatKey, String alias) {
    Objects.requireNonNull(chatKey, "chatKey == null");
    Objects.requireNonNull(alias, "alias == null");
    return Sql.run(
        db,
        "remove chat model",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM chat_models WHERE chat_key = ? AND alias = ?")) {
            ps.setString(1, chatKey);
            ps.setString(2, alias);
            return ps.executeUpdate() > 0;
          }
        });
  }

  static String toJson(List<CoreConfig.BackendConfig> backends) {
    List<BackendJson> out = new ArrayList<>(backends.size());
    for (CoreConfig.BackendConfig b : backends) {
      out.add(
          new BackendJson(
              b.space(),
              b.endpoint(),
              new LinkedHashMap<>(b.fixed()),
              new LinkedHashMap<>(b.renames()),
              b.concurrency()));
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("model backends can't be stored as JSON", e);
    }
  }

  static List<CoreConfig.BackendConfig> fromJson(String alias, String json) {
    List<BackendJson> in;
    try {
      in = JSON.readValue(json, BACKENDS);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored model " + alias + " has unreadable backends", e);
    }
    List<CoreConfig.BackendConfig> out = new ArrayList<>(in.size());
    for (BackendJson b : in) {
      out.add(
          new CoreConfig.BackendConfig(
              b.space(),
              b.endpoint(),
              b.fixed() == null ? Map.of() : b.fixed(),
              b.renames() == null ? Map.of() : b.renames(),
              b.concurrency() < 1 ? 1 : b.concurrency()));
    }
    return out;
  }

  /** The stored JSON shape of one backend. */
  record BackendJson(
      String space,
      String endpoint,
      Map<String, Object> fixed,
      Map<String, String> renames,
      int concurrency) {}
}
