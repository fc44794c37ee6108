package dev.imaginebot.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.job.UserRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs and their images. Every method is one short transaction, safe to call from any thread.
 *
 * <p>A job never leaves a terminal state: transitions asked for a finished (or unknown) job are
 * ignored and logged at debug level, so a late event can't undo a cancellation or a success.
 */
public final class JobStore {
  private static final Logger log = LoggerFactory.getLogger(JobStore.class);

  /**
   * Images stored this recently are never removed as orphans: a job that is about to be marked
   * succeeded with them does not reference them yet.
   */
  static final Duration ORPHAN_GRACE = Duration.ofMinutes(10);

  /** Longest page {@link #history} returns. */
  public static final int MAX_PAGE_SIZE = 100;

  private static final int MAX_ERROR_MESSAGE = 4000;
  private static final int IN_CHUNK = 500;

  private static final String COLUMNS =
      "id, user_key, user_name, language, chat_key, group_chat, platform, reply_ref, prompt,"
          + " requested_model, negative_prompt, seed_req, aspect, width, height, steps, guidance,"
          + " image_count, model, state, backend, queue_position, error_code, error_message, seed,"
          + " created_at, started_at, finished_at, attempts";

  private static final String NOT_TERMINAL = " AND state IN ('QUEUED', 'SUBMITTED', 'RUNNING')";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Database db;

  /** Jobs in {@code db}. */
  public JobStore(Database db) {
    this.db = Objects.requireNonNull(db, "db == null");
  }

  /** Stores a new job in state {@link JobState#QUEUED} and returns it. */
  public JobRecord create(
      UserRef user, ChatRef chat, String replyRef, GenerationRequest request, String model) {
    return create(user, chat, replyRef, request, model, null, null).job();
  }

  /**
   * The outcome of {@link #create(UserRef, ChatRef, String, GenerationRequest, String, String,
   * Long)}: the job, and whether this call made it (false: the command was stored before).
   */
  public record Created(JobRecord job, boolean fresh) {}

  /**
   * Stores a new job in state {@link JobState#QUEUED}, or finds the one already made for {@code
   * commandKey} (a platform update handled again after a crash).
   *
   * @param commandKey the platform update the job comes from, or null
   * @param plannedSeed the seed fixed now for every submission of this job, or null
   */
  public Created create(
      UserRef user,
      ChatRef chat,
      String replyRef,
      GenerationRequest request,
      String model,
      String commandKey,
      Long plannedSeed) {
    if (commandKey != null) {
      Optional<JobRecord> existing = byCommand(commandKey);
      if (existing.isPresent()) return new Created(existing.get(), false);
    }
    try {
      return new Created(
          insert(user, chat, replyRef, request, model, commandKey, plannedSeed), true);
    } catch (StoreException e) {
      // Two handlers of one redelivered update raced; the other made the job.
      Optional<JobRecord> existing = commandKey == null ? Optional.empty() : byCommand(commandKey);
      if (existing.isPresent()) return new Created(existing.get(), false);
      throw e;
    }
  }

  private Optional<JobRecord> byCommand(String commandKey) {
    return Sql.run(
        db,
        "find job by command",
        c ->
            select(
                    c,
                    "SELECT " + COLUMNS + " FROM jobs WHERE command_key = ?",
                    ps -> ps.setString(1, commandKey))
                .stream()
                .findFirst());
  }

  private JobRecord insert(
      UserRef user,
      ChatRef chat,
      String replyRef,
      GenerationRequest request,
      String model,
      String commandKey,
      Long plannedSeed) {
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(chat, "chat == null");
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(model, "model == null");
    Instant now = Sql.stored(db.clock().instant());
    long id =
        Sql.run(
            db,
            "create job",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO jobs (user_key, user_name, language, chat_key, group_chat,"
                          + " platform, reply_ref, prompt, requested_model, negative_prompt,"
                          + " seed_req, aspect, width, height, steps, guidance, image_count, model,"
                          + " state, created_at, attempts, command_key, planned_seed)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0,"
                          + " ?, ?)",
                      Statement.RETURN_GENERATED_KEYS)) {
                int i = 0;
                ps.setString(++i, user.key());
                ps.setString(++i, Sql.cut(user.name(), 200));
                ps.setString(++i, Sql.cut(user.language(), 35));
                ps.setString(++i, chat.key());
                ps.setBoolean(++i, chat.group());
                ps.setString(++i, user.platform());
                ps.setString(++i, replyRef);
                ps.setString(++i, request.prompt());
                ps.setString(++i, request.model());
                ps.setString(++i, request.negativePrompt());
                Sql.setLong(ps, ++i, request.seed());
                ps.setString(++i, request.aspect());
                Sql.setInt(ps, ++i, request.width());
                Sql.setInt(ps, ++i, request.height());
                Sql.setInt(ps, ++i, request.steps());
                Sql.setDouble(ps, ++i, request.guidance());
                ps.setInt(++i, request.count());
                ps.setString(++i, model);
                ps.setString(++i, JobState.QUEUED.name());
                Sql.setTs(ps, ++i, now);
                ps.setString(++i, commandKey);
                Sql.setLong(ps, ++i, plannedSeed);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                  if (!keys.next()) throw new SQLException("no generated job id");
                  return keys.getLong(1);
                }
              }
            });
    return new JobRecord(
        id,
        user.key(),
        Sql.cut(user.name(), 200),
        Sql.cut(user.language(), 35),
        chat.key(),
        chat.group(),
        user.platform(),
        replyRef,
        request,
        model,
        JobState.QUEUED,
        null,
        null,
        null,
        null,
        null,
        now,
        null,
        null,
        0,
        List.of());
  }

  /**
   * Marks a job sent to {@code backend}: one more attempt, queue position cleared, {@code
   * startedAt} set on the first submission (kept on later ones, so waits count from the request to
   * the first start).
   */
  public void markSubmitted(long id, String backend) {
    Instant now = db.clock().instant();
    update(
        id,
        "mark submitted",
        "UPDATE jobs SET state = 'SUBMITTED', backend = ?, attempts = attempts + 1,"
            + " queue_position = NULL, started_at = COALESCE(started_at, ?) WHERE id = ?"
            + NOT_TERMINAL,
        ps -> {
          ps.setString(1, Sql.cut(backend, 500));
          Sql.setTs(ps, 2, now);
          ps.setLong(3, id);
        });
  }

  /** Marks a job running on its Space (queue position cleared). */
  public void markRunning(long id) {
    update(
        id,
        "mark running",
        "UPDATE jobs SET state = 'RUNNING', queue_position = NULL WHERE id = ?" + NOT_TERMINAL,
        ps -> ps.setLong(1, id));
  }

  /** Records a job's position in a queue (null clears it); the state is unchanged. */
  public void markQueuePosition(long id, Integer position) {
    update(
        id,
        "mark queue position",
        "UPDATE jobs SET queue_position = ? WHERE id = ?" + NOT_TERMINAL,
        ps -> {
          Sql.setInt(ps, 1, position);
          ps.setLong(2, id);
        });
  }

  /**
   * Records the positions of many waiting jobs in one batched statement (one round trip however
   * many moved), as the queue drains. Only jobs still {@link JobState#QUEUED} are touched: a job
   * that started meanwhile keeps its cleared position.
   *
   * @param positions job id to its new position
   */
  public void markQueuePositions(Map<Long, Integer> positions) {
    if (positions.isEmpty()) return;
    Map<Long, Integer> copy = new LinkedHashMap<>(positions);
    // Auto-commit: positions are shown, not relied on, so they need no transaction of their own
    // (and a queue of one pays for no begin and commit).
    Sql.run(
        db,
        "mark queue positions",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET queue_position = ? WHERE id = ? AND state = 'QUEUED'")) {
            for (Map.Entry<Long, Integer> e : copy.entrySet()) {
              Sql.setInt(ps, 1, e.getValue());
              ps.setLong(2, e.getKey());
              ps.addBatch();
            }
            return ps.executeBatch();
          }
        });
  }

  /**
   * Marks a job succeeded with its images, in order. Images not yet in the images table (normally
   * they are, from {@link ImageStore#store}) get a row from the values given.
   */
  public void markSucceeded(long id, Long seed, List<StoredImage> images) {
    List<StoredImage> list = List.copyOf(images);
    Instant now = db.clock().instant();
    boolean changed =
        Sql.inTransaction(
            db,
            "mark succeeded",
            c -> {
              int n;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE jobs SET state = 'SUCCEEDED', seed = ?, queue_position = NULL,"
                          + " error_code = NULL, error_message = NULL, finished_at = ?"
                          + " WHERE id = ?"
                          + NOT_TERMINAL)) {
                Sql.setLong(ps, 1, seed);
                Sql.setTs(ps, 2, now);
                ps.setLong(3, id);
                n = ps.executeUpdate();
              }
              if (n == 0) return false;
              try (PreparedStatement del =
                  c.prepareStatement("DELETE FROM job_images WHERE job_id = ?")) {
                del.setLong(1, id);
                del.executeUpdate();
              }
              for (StoredImage image : list) {
                ImageStore.ensureRow(c, image, now);
              }
              try (PreparedStatement ins =
                  c.prepareStatement(
                      "INSERT INTO job_images (job_id, position, sha256) VALUES (?, ?, ?)")) {
                for (int i = 0; i < list.size(); i++) {
                  ins.setLong(1, id);
                  ins.setInt(2, i);
                  ins.setString(3, list.get(i).sha256());
                  ins.addBatch();
                }
                if (!list.isEmpty()) ins.executeBatch();
              }
              return true;
            });
    if (!changed) log.debug("Job {} not marked succeeded: unknown or already finished", id);
  }

  /** Marks a job failed with an {@code ErrorCode} name and a safe-to-show detail. */
  public void markFailed(long id, String errorCode, String errorMessage) {
    Instant now = db.clock().instant();
    update(
        id,
        "mark failed",
        "UPDATE jobs SET state = 'FAILED', error_code = ?, error_message = ?,"
            + " queue_position = NULL, finished_at = ? WHERE id = ?"
            + NOT_TERMINAL,
        ps -> {
          ps.setString(1, Sql.cut(errorCode, 40));
          ps.setString(2, Sql.cut(errorMessage, MAX_ERROR_MESSAGE));
          Sql.setTs(ps, 3, now);
          ps.setLong(4, id);
        });
  }

  /**
   * Marks a job cancelled.
   *
   * @return false when it had finished already (or does not exist)
   */
  public boolean markCancelled(long id) {
    Instant now = db.clock().instant();
    return update(
        id,
        "mark cancelled",
        "UPDATE jobs SET state = 'CANCELLED', queue_position = NULL, finished_at = ?"
            + " WHERE id = ?"
            + NOT_TERMINAL,
        ps -> {
          Sql.setTs(ps, 1, now);
          ps.setLong(2, id);
        });
  }

  /** Puts an unfinished job back into state {@link JobState#QUEUED} (resuming after a restart). */
  public void requeue(long id) {
    update(
        id,
        "requeue",
        "UPDATE jobs SET state = 'QUEUED', queue_position = NULL WHERE id = ?" + NOT_TERMINAL,
        ps -> ps.setLong(1, id));
  }

  /**
   * Puts a job that a restart cut while it was on a Space back into {@link JobState#QUEUED}, one
   * more restart counted (apart from failover attempts).
   */
  public void markRestarted(long id) {
    update(
        id,
        "mark restarted",
        "UPDATE jobs SET state = 'QUEUED', queue_position = NULL, restarts = restarts + 1"
            + " WHERE id = ?"
            + NOT_TERMINAL,
        ps -> ps.setLong(1, id));
  }

  /** Sets the front-end's reference to the message that shows a job. */
  public void setReplyRef(long id, String replyRef) {
    Sql.run(
        db,
        "set reply ref",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE jobs SET reply_ref = ? WHERE id = ?")) {
            ps.setString(1, Sql.cut(replyRef, 1000));
            ps.setLong(2, id);
            return ps.executeUpdate();
          }
        });
  }

  /** Stores the Space's output files of a job that is not finished yet. */
  public void saveResultFiles(long id, List<ResultFile> files) {
    String json;
    try {
      json = JSON.writeValueAsString(List.copyOf(files));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("result files not serializable", e);
    }
    if (json.length() > 20_000) return; // too many to keep: a restart would run the job again
    update(
        id,
        "save result files",
        "UPDATE jobs SET result_files = ? WHERE id = ?" + NOT_TERMINAL,
        ps -> {
          ps.setString(1, json);
          ps.setLong(2, id);
        });
  }

  /** Records that a job's outcome was shown to its user. */
  public void markDelivered(long id) {
    Instant now = db.clock().instant();
    Sql.run(
        db,
        "mark delivered",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL"
                      + " AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
            Sql.setTs(ps, 1, now);
            ps.setLong(2, id);
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Jobs the previous run left: every unfinished one, and finished ones not yet shown to their user
   * that finished after {@code deliverSince}; oldest first.
   */
  public List<Recovery> recoverable(Instant deliverSince) {
    return recoveries(
        "state IN ('QUEUED', 'SUBMITTED', 'RUNNING')"
            + " OR (delivered_at IS NULL AND finished_at >= ?)",
        ps -> Sql.setTs(ps, 1, deliverSince));
  }

  /**
   * What an instance needs to take job {@code id} over (see {@link SharedQueue#takeOver}), or empty
   * when the job no longer exists.
   */
  public Optional<Recovery> recovery(long id) {
    return recoveries("id = ?", ps -> ps.setLong(1, id)).stream().findFirst();
  }

  /** Which of {@code ids} reached a terminal state (another instance may have cancelled one). */
  public Set<Long> finishedAmong(Collection<Long> ids) {
    if (ids.isEmpty()) return Set.of();
    List<Long> list = List.copyOf(ids);
    return Sql.run(
        db,
        "finished jobs",
        c -> {
          Set<Long> out = new LinkedHashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM jobs WHERE id IN ("
                      + String.join(",", Collections.nCopies(list.size(), "?"))
                      + ") AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
            for (int i = 0; i < list.size(); i++) ps.setLong(i + 1, list.get(i));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(rs.getLong(1));
            }
          }
          return out;
        });
  }

  /**
   * Jobs waiting for a start over the whole database (every instance's), of one user or, when
   * {@code userKey} is null, of everyone.
   */
  public int waitingCount(String userKey) {
    return Sql.run(
        db,
        "count waiting jobs",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM jobs WHERE state = 'QUEUED' AND slot_backend IS NULL"
                      + (userKey == null ? "" : " AND user_key = ?"))) {
            if (userKey != null) ps.setString(1, userKey);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  private List<Recovery> recoveries(String where, Binder binder) {
    return Sql.run(
        db,
        "recoverable jobs",
        c -> {
          // One read: the job's columns and what recovery needs beside them.
          List<Recovery> found = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + ", planned_seed, restarts, result_files, delivered_at FROM jobs WHERE "
                      + where
                      + " ORDER BY created_at, id")) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.add(
                    new Recovery(
                        read(rs),
                        Sql.getLong(rs, "planned_seed"),
                        rs.getInt("restarts"),
                        resultFiles(rs.getString("result_files")),
                        rs.getObject("delivered_at") != null));
              }
            }
          }
          if (found.isEmpty()) return List.of();
          Map<Long, List<StoredImage>> images =
              images(c, found.stream().map(r -> r.job().id()).toList());
          List<Recovery> out = new ArrayList<>(found.size());
          for (Recovery r : found) {
            List<StoredImage> list = images.get(r.job().id());
            out.add(
                list == null
                    ? r
                    : new Recovery(
                        withImages(r.job(), list),
                        r.plannedSeed(),
                        r.restarts(),
                        r.resultFiles(),
                        r.delivered()));
          }
          return out;
        });
  }

  private static List<ResultFile> resultFiles(String json) {
    if (json == null || json.isBlank()) return List.of();
    try {
      return JSON.readValue(json, new TypeReference<List<ResultFile>>() {});
    } catch (JsonProcessingException e) {
      log.warn("Unreadable result files {}: {}", json, e.getMessage());
      return List.of();
    }
  }

  /** The job with its images, if it exists. */
  public Optional<JobRecord> find(long id) {
    return Sql.run(
        db,
        "find job",
        c -> {
          List<JobRecord> found =
              select(c, "SELECT " + COLUMNS + " FROM jobs WHERE id = ?", ps -> ps.setLong(1, id));
          return found.stream().findFirst();
        });
  }

  /** One user's jobs not yet finished, oldest first. */
  public List<JobRecord> unfinished(String userKey) {
    return Sql.run(
        db,
        "user's unfinished jobs",
        c ->
            select(
                c,
                "SELECT "
                    + COLUMNS
                    + " FROM jobs WHERE user_key = ? AND state IN ('QUEUED', 'SUBMITTED', 'RUNNING')"
                    + " ORDER BY created_at, id",
                ps -> ps.setString(1, userKey)));
  }

  /** Jobs not yet finished (queued, submitted or running), oldest first. */
  public List<JobRecord> unfinished() {
    return Sql.run(
        db,
        "unfinished jobs",
        c ->
            select(
                c,
                "SELECT "
                    + COLUMNS
                    + " FROM jobs WHERE state IN ('QUEUED', 'SUBMITTED', 'RUNNING')"
                    + " ORDER BY created_at, id",
                ps -> {}));
  }

  /**
   * One page of a user's jobs, newest first.
   *
   * @param page zero-based page index; past the end gives an empty page
   * @param pageSize jobs per page, 1 to {@link #MAX_PAGE_SIZE}
   */
  public Page<JobRecord> history(String userKey, int page, int pageSize) {
    return history(userKey, null, page, pageSize);
  }

  /**
   * One page of a user's jobs made in one chat, newest first.
   *
   * @param chatKey the chat ({@code platform:id}); null for every chat
   * @param page zero-based page index; past the end gives an empty page
   * @param pageSize jobs per page, 1 to {@link #MAX_PAGE_SIZE}
   */
  public Page<JobRecord> history(String userKey, String chatKey, int page, int pageSize) {
    Objects.requireNonNull(userKey, "userKey == null");
    if (page < 0) throw new IllegalArgumentException("page < 0: " + page);
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("pageSize not in 1.." + MAX_PAGE_SIZE + ": " + pageSize);
    }
    return Sql.run(
        db,
        "history",
        c -> {
          long total;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM jobs WHERE user_key = ?"
                      + (chatKey == null ? "" : " AND chat_key = ?"))) {
            ps.setString(1, userKey);
            if (chatKey != null) ps.setString(2, chatKey);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              total = rs.getLong(1);
            }
          }
          long offset = (long) page * pageSize;
          if (offset >= total) return new Page<>(List.of(), page, pageSize, total);
          List<JobRecord> items =
              select(
                  c,
                  "SELECT "
                      + COLUMNS
                      + " FROM jobs WHERE user_key = ?"
                      + (chatKey == null ? "" : " AND chat_key = ?")
                      + " ORDER BY created_at DESC, id DESC"
                      + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
                  ps -> {
                    int i = 1;
                    ps.setString(i++, userKey);
                    if (chatKey != null) ps.setString(i++, chatKey);
                    ps.setLong(i++, offset);
                    ps.setInt(i, pageSize);
                  });
          return new Page<>(items, page, pageSize, total);
        });
  }

  /**
   * Deletes a job if {@code userKey} owns it, with its image rows; image files no other job uses
   * are removed too.
   *
   * @return false when there is no such job or it belongs to someone else
   */
  public boolean delete(long id, String userKey) {
    Objects.requireNonNull(userKey, "userKey == null");
    return deleteJob(id, userKey);
  }

  /** Deletes any job (admins); see {@link #delete}. */
  public boolean deleteAny(long id) {
    return deleteJob(id, null);
  }

  /** What a user has done so far. */
  public UserStats stats(String userKey) {
    Objects.requireNonNull(userKey, "userKey == null");
    return Sql.run(
        db,
        "stats",
        c -> {
          long jobs;
          long succeeded;
          long failed;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*),"
                      + " COALESCE(SUM(CASE WHEN state = 'SUCCEEDED' THEN 1 ELSE 0 END), 0),"
                      + " COALESCE(SUM(CASE WHEN state = 'FAILED' THEN 1 ELSE 0 END), 0)"
                      + " FROM jobs WHERE user_key = ?")) {
            ps.setString(1, userKey);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              jobs = rs.getLong(1);
              succeeded = rs.getLong(2);
              failed = rs.getLong(3);
            }
          }
          long images;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM job_images ji JOIN jobs j ON j.id = ji.job_id"
                      + " WHERE j.user_key = ?")) {
            ps.setString(1, userKey);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              images = rs.getLong(1);
            }
          }
          // Timestamp arithmetic differs between databases; averaging in Java stays portable.
          Duration sum = Duration.ZERO;
          long started = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT created_at, started_at FROM jobs"
                      + " WHERE user_key = ? AND started_at IS NOT NULL")) {
            ps.setString(1, userKey);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Duration wait =
                    Duration.between(Sql.instant(rs, "created_at"), Sql.instant(rs, "started_at"));
                sum = sum.plus(wait.isNegative() ? Duration.ZERO : wait);
                started++;
              }
            }
          }
          Duration average = started == 0 ? Duration.ZERO : sum.dividedBy(started);
          return new UserStats(jobs, succeeded, failed, images, average);
        });
  }

  // ---- internals

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private boolean update(long id, String what, String sql, Binder binder) {
    int n =
        Sql.run(
            db,
            what,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
              }
            });
    if (n == 0) log.debug("Job {}: {} ignored (unknown or already finished)", id, what);
    return n > 0;
  }

  private boolean deleteJob(long id, String ownerOrNull) {
    Instant graceLimit = db.clock().instant().minus(ORPHAN_GRACE);
    List<Path> orphanFiles;
    synchronized (db.imageLock) {
      orphanFiles =
          Sql.inTransaction(
              db,
              "delete job",
              c -> {
                String owner;
                try (PreparedStatement ps =
                    c.prepareStatement("SELECT user_key FROM jobs WHERE id = ?")) {
                  ps.setLong(1, id);
                  try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return null;
                    owner = rs.getString(1);
                  }
                }
                if (ownerOrNull != null && !ownerOrNull.equals(owner)) return null;
                List<String> shas = new ArrayList<>();
                try (PreparedStatement ps =
                    c.prepareStatement("SELECT DISTINCT sha256 FROM job_images WHERE job_id = ?")) {
                  ps.setLong(1, id);
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) shas.add(rs.getString(1));
                  }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
                  ps.setLong(1, id);
                  ps.executeUpdate();
                }
                List<Path> files = new ArrayList<>();
                for (String sha : shas) {
                  Path file = ImageStore.removeIfOrphan(c, db.dataDir(), sha, graceLimit);
                  if (file != null) files.add(file);
                }
                return files;
              });
      if (orphanFiles == null) return false;
      ImageStore.deleteFiles(orphanFiles);
    }
    return true;
  }

  private List<JobRecord> select(Connection c, String sql, Binder binder) throws SQLException {
    Map<Long, JobRecord> jobs = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobRecord job = read(rs);
          jobs.put(job.id(), job);
        }
      }
    }
    if (jobs.isEmpty()) return List.of();
    Map<Long, List<StoredImage>> images = images(c, new ArrayList<>(jobs.keySet()));
    List<JobRecord> out = new ArrayList<>(jobs.size());
    for (JobRecord job : jobs.values()) {
      List<StoredImage> list = images.get(job.id());
      out.add(list == null ? job : withImages(job, list));
    }
    return out;
  }

  private Map<Long, List<StoredImage>> images(Connection c, List<Long> ids) throws SQLException {
    Map<Long, List<StoredImage>> out = new HashMap<>();
    for (int from = 0; from < ids.size(); from += IN_CHUNK) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
      String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT ji.job_id, i.sha256, i.mime, i.bytes, i.width, i.height"
                  + " FROM job_images ji JOIN images i ON i.sha256 = ji.sha256"
                  + " WHERE ji.job_id IN ("
                  + marks
                  + ") ORDER BY ji.job_id, ji.position")) {
        for (int i = 0; i < chunk.size(); i++) ps.setLong(i + 1, chunk.get(i));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String sha = rs.getString("sha256");
            String mime = rs.getString("mime");
            out.computeIfAbsent(rs.getLong("job_id"), k -> new ArrayList<>())
                .add(
                    new StoredImage(
                        sha,
                        ImageFiles.file(db.dataDir(), sha, mime),
                        mime,
                        rs.getLong("bytes"),
                        rs.getInt("width"),
                        rs.getInt("height")));
          }
        }
      }
    }
    return out;
  }

  private static JobRecord read(ResultSet rs) throws SQLException {
    Integer count = Sql.getInt(rs, "image_count");
    GenerationRequest request =
        new GenerationRequest(
            rs.getString("prompt"),
            rs.getString("requested_model"),
            rs.getString("negative_prompt"),
            Sql.getLong(rs, "seed_req"),
            rs.getString("aspect"),
            Sql.getInt(rs, "width"),
            Sql.getInt(rs, "height"),
            Sql.getInt(rs, "steps"),
            Sql.getDouble(rs, "guidance"),
            count == null || count < 1 ? 1 : count);
    return new JobRecord(
        rs.getLong("id"),
        rs.getString("user_key"),
        rs.getString("user_name"),
        rs.getString("language"),
        rs.getString("chat_key"),
        rs.getBoolean("group_chat"),
        rs.getString("platform"),
        rs.getString("reply_ref"),
        request,
        rs.getString("model"),
        JobState.valueOf(rs.getString("state")),
        rs.getString("backend"),
        Sql.getInt(rs, "queue_position"),
        rs.getString("error_code"),
        rs.getString("error_message"),
        Sql.getLong(rs, "seed"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "started_at"),
        Sql.instant(rs, "finished_at"),
        rs.getInt("attempts"),
        List.of());
  }

  private static JobRecord withImages(JobRecord j, List<StoredImage> images) {
    return new JobRecord(
        j.id(),
        j.userKey(),
        j.userName(),
        j.language(),
        j.chatKey(),
        j.groupChat(),
        j.platform(),
        j.replyRef(),
        j.request(),
        j.model(),
        j.state(),
        j.backend(),
        j.queuePosition(),
        j.errorCode(),
        j.errorMessage(),
        j.seed(),
        j.createdAt(),
        j.startedAt(),
        j.finishedAt(),
        j.attempts(),
        images);
  }
}
