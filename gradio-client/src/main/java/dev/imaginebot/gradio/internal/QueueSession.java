package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sse_v1 … sse_v3 queue for one session hash: joins with {@code POST queue/join}, and one
 * shared {@code GET queue/data} stream carries every job of the session, routed by {@code
 * event_id}. The stream is opened after a join, never doubled, reopened after {@code close_stream}
 * or a clean end while jobs are pending, and never closed by the client while jobs are pending.
 */
final class QueueSession implements Driver {
  private static final Logger log = LoggerFactory.getLogger(QueueSession.class);
  private static final int MAX_EARLY = 256;
  private static final int MAX_EMPTY_REOPENS = 3;

  private final Connection conn;
  final String hash;
  private final boolean ownSession;

  /** Jobs the server still has, by event id (including ones the caller already gave up on). */
  private final Map<String, JobImpl> pending = new HashMap<>();

  /** Messages that arrived before their join answer, by event id. */
  private final Map<String, List<JsonNode>> early = new LinkedHashMap<>();

  private int joining;
  private EventSource stream;
  private int messagesOnStream;
  private int emptyReopens;
  private boolean closed;

  QueueSession(Connection conn, String hash, boolean ownSession) {
    this.conn = conn;
    this.hash = hash;
    this.ownSession = ownSession;
  }

  /** Joins the queue (blocking, on a worker thread) and routes the job's messages from then on. */
  @Override
  public void start(JobImpl job, List<Object> data, AppModel model) {
    synchronized (this) {
      joining++;
    }
    String eventId = null;
    try {
      eventId = join(job, data, model, true);
    } catch (GradioException e) {
      job.fail(e);
    } catch (RuntimeException e) {
      log.warn("job {}: join failed unexpectedly", job, e);
      job.fail(Failure.of(FailureCode.PROTOCOL_ERROR, "The job could not be submitted."));
    }
    synchronized (this) {
      joining--;
      if (eventId == null) return;
      job.eventId(eventId);
      pending.put(eventId, job);
      // Under the lock, so that no newer message overtakes the buffered ones.
      List<JsonNode> buffered = early.remove(eventId);
      if (buffered != null) for (JsonNode msg : buffered) route(job, msg);
    }
    ensureStream();
    // Cancelled while the join was in flight: now there is an event id to cancel.
    if (job.isTerminal() && job.cancelRequested()) cancel(job);
  }

  private String join(JobImpl job, List<Object> data, AppModel model, boolean mayRetry) {
    ObjectNode body = Json.object();
    body.set("data", Json.tree(data));
    body.putNull("event_data");
    body.put("fn_index", job.spec.fnIndex());
    body.putNull("trigger_id");
    body.put("session_hash", hash);
    Request request =
        conn.http()
            .post(conn.base() + model.prefix + "/queue/join", body)
            .header("x-gradio-user", "api")
            .build();
    try (Response response = conn.http().execute(request)) {
      String text = response.body().string();
      if (response.isSuccessful()) {
        try {
          String eventId = Json.text(Json.parse(text), "event_id");
          if (eventId == null) throw new IOException("no event_id");
          return eventId;
        } catch (IOException e) {
          log.debug("join answer not understood: {}", text);
          throw Failures.exception(
              FailureCode.PROTOCOL_ERROR,
              "The app answered the join request with something unreadable.");
        }
      }
      int code = response.code();
      log.debug("join failed: HTTP {} {}", code, text);
      if (mayRetry && (code == 404 || code == 500)) {
        AppModel fresh = conn.refresh();
        EndpointSpec spec =
            job.spec.apiName() != null
                ? fresh.byName(job.spec.apiName())
                : fresh.byFnIndex(job.spec.fnIndex());
        if (spec == null) {
          throw Failures.exception(
              FailureCode.ENDPOINT_NOT_FOUND, conn.endpointNotFound(job.spec.endpoint().name()));
        }
        if (spec.fnIndex() != job.spec.fnIndex() || !fresh.app.equals(model.app)) {
          log.info("app changed; retrying the join once");
          job.respec(spec);
          return join(job, data, fresh, false);
        }
      }
      if (code == 422) conn.refreshQuietly();
      throw conn.http().failure(response, text, "join");
    } catch (IOException e) {
      log.debug("join failed", e);
      throw new GradioException(
          Failure.of(FailureCode.CONNECTION_LOST, "Could not reach the app to submit the job."), e);
    }
  }

  private synchronized void ensureStream() {
    if (stream != null || closed || pending.isEmpty()) return;
    AppModel model = conn.model();
    Request request =
        conn.http().get(conn.base() + model.prefix + "/queue/data?session_hash=" + hash).build();
    messagesOnStream = 0;
    stream = conn.http().openSse(request, new Listener());
    log.debug("session {}: stream opened", hash);
  }

  private final class Listener extends EventSourceListener {
    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      onData(source, data);
    }

    @Override
    public void onClosed(EventSource source) {
      onEnd(source, null, null);
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
      onEnd(source, t, response);
    }
  }

  private void onData(EventSource source, String data) {
    JsonNode msg;
    List<JobImpl> all;
    synchronized (this) {
      if (source != stream) return;
      messagesOnStream++;
      emptyReopens = 0;
      all = new ArrayList<>(pending.values());
    }
    for (JobImpl j : all) j.touch();
    try {
      msg = Json.parse(data);
    } catch (IOException e) {
      log.debug("session {}: unreadable message {}", hash, data);
      failAll(
          Failure.of(FailureCode.PROTOCOL_ERROR, "The app sent a message this client cannot read."),
          true);
      return;
    }
    String type = Json.text(msg, "msg");
    if ("heartbeat".equals(type)) return;
    if ("close_stream".equals(type)) {
      synchronized (this) {
        if (source != stream) return;
        stream = null;
      }
      source.cancel();
      log.debug("session {}: close_stream", hash);
      ensureStream();
      return;
    }
    String eventId = Json.text(msg, "event_id");
    if (eventId == null) {
      if ("unexpected_error".equals(type)) {
        log.debug("session {}: unexpected_error {}", hash, msg);
        // The app may have restarted: re-read its config and API for the next jobs.
        if (msg.path("session_not_found").asBoolean(false)) conn.refreshQuietly();
        failAll(
            Failure.of(
                FailureCode.CONNECTION_LOST,
                msg.path("session_not_found").asBoolean(false)
                    ? "The app lost track of this session (it may have restarted)."
                    : "The app stopped the job unexpectedly."),
            false);
      } else {
        log.debug("session {}: message without event id {}", hash, msg);
      }
      return;
    }
    JobImpl job;
    synchronized (this) {
      job = pending.get(eventId);
      if (job == null) {
        if (early.size() < MAX_EARLY)
          early.computeIfAbsent(eventId, k -> new ArrayList<>()).add(msg);
        return;
      }
    }
    route(job, msg);
  }

  private void route(JobImpl job, JsonNode msg) {
    boolean done;
    try {
      done = job.handle(msg, conn.model().protocol.diffs());
    } catch (RuntimeException e) {
      log.debug("job {}: message not understood {}", job, msg, e);
      job.fail(
          Failure.of(
              FailureCode.PROTOCOL_ERROR, "The app sent an update this client cannot read."));
      done = false;
    }
    if (done) {
      synchronized (this) {
        pending.remove(job.eventId());
      }
      conn.sessionIdle(this);
    }
  }

  private void onEnd(EventSource source, Throwable t, Response response) {
    boolean reopen;
    synchronized (this) {
      if (source != stream) return;
      stream = null;
      if (t == null && (response == null || response.isSuccessful())) {
        // A clean end: v1–v2.1 end after the session's last job; reopen if more joined since.
        if (messagesOnStream == 0) emptyReopens++;
        reopen = !pending.isEmpty() && emptyReopens < MAX_EMPTY_REOPENS;
        if (pending.isEmpty()) return;
      } else {
        reopen = false;
      }
    }
    if (reopen) {
      log.debug("session {}: stream ended with jobs pending; reopening", hash);
      ensureStream();
      return;
    }
    if (t != null) log.debug("session {}: stream failed", hash, t);
    else
      log.debug("session {}: stream ended: {}", hash, response == null ? "eof" : response.code());
    failAll(
        Failure.of(
            FailureCode.CONNECTION_LOST,
            "The connection to the app was lost while the job was running."),
        false);
  }

  /** Fails every pending job; closes the stream when asked. */
  private void failAll(Failure failure, boolean closeStream) {
    List<JobImpl> jobs;
    EventSource s = null;
    synchronized (this) {
      jobs = new ArrayList<>(pending.values());
      pending.clear();
      early.clear();
      if (closeStream) {
        s = stream;
        stream = null;
      }
    }
    if (s != null) s.cancel();
    for (JobImpl j : jobs) j.fail(failure);
    conn.sessionIdle(this);
  }

  synchronized boolean idle() {
    return pending.isEmpty() && joining == 0;
  }

  @Override
  public void cancel(JobImpl job) {
    AppModel model = conn.model();
    String eventId = job.eventId();
    if (eventId == null) return;
    boolean shared;
    synchronized (this) {
      shared =
          pending.values().stream()
              .anyMatch(
                  o ->
                      o != job
                          && o.spec.fnIndex() == job.spec.fnIndex()
                          && o.hasStarted()
                          && !o.isTerminal());
    }
    if (model.protocol.cancelEndpoint(model.version[0], model.version[1]) && !shared) {
      ObjectNode body = Json.object();
      body.put("session_hash", hash);
      body.put("fn_index", job.spec.fnIndex());
      body.put("event_id", eventId);
      conn.http().postQuietly(conn.base() + model.prefix + "/cancel", body);
      ObjectNode reset = Json.object();
      reset.put("event_id", eventId);
      conn.http().postQuietly(conn.base() + model.prefix + "/reset", reset);
    } else if (!shared && model.cancellers.containsKey(job.spec.fnIndex())) {
      // Before /cancel: trigger the app's own cancel event, as Python's client does.
      ObjectNode body = Json.object();
      body.set("data", Json.array());
      body.put("fn_index", model.cancellers.get(job.spec.fnIndex()));
      body.put("session_hash", hash);
      conn.http().postQuietly(conn.base() + model.prefix + "/api/predict/", body);
    } else if (ownSession) {
      // Before /cancel existed, dropping the stream cancels the session: here, only this job.
      close();
    } else {
      // Cancelling on the server would hit other jobs of this session: let it run, ignore it.
      log.debug("job {}: cancelled locally; the server finishes it", job);
    }
  }

  @Override
  public void abandon(JobImpl job) {
    EventSource s = null;
    synchronized (this) {
      if (job.eventId() != null) pending.remove(job.eventId());
      // Dropping the stream makes the server forget the session's jobs: only when none is left.
      if (ownSession || (pending.isEmpty() && joining == 0)) {
        s = stream;
        stream = null;
      }
    }
    if (s != null) s.cancel();
    conn.sessionIdle(this);
  }

  /** Ends the stream; pending jobs are failed. */
  void close() {
    EventSource s;
    List<JobImpl> jobs;
    synchronized (this) {
      closed = true;
      s = stream;
      stream = null;
      jobs = new ArrayList<>(pending.values());
      pending.clear();
    }
    if (s != null) s.cancel();
    for (JobImpl j : jobs) {
      j.fail(
          Failure.of(
              FailureCode.CONNECTION_LOST, "The client was closed before the job finished."));
    }
  }

  boolean ownSession() {
    return ownSession;
  }
}
