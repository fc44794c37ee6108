package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.JobListener;
import dev.imaginebot.gradio.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job: turns the queue's messages into {@link Event}s, delivers them in order on the callback
 * executor, and makes sure exactly one terminal event ends it.
 */
final class JobImpl implements Job {
  private static final Logger log = LoggerFactory.getLogger(JobImpl.class);

  final Connection conn;

  /** Final but for {@link #respec}, which happens before any driver reads it. */
  volatile EndpointSpec spec;

  final String sessionHash;
  final boolean ownSession;
  final List<String> dropped;
  private final SerialExecutor callbacks;
  private final JobListener listener;
  private final CompletableFuture<Prediction> result = new CompletableFuture<>();
  private final String clientId = UUID.randomUUID().toString().replace("-", "");
  private volatile String eventId;
  private volatile Driver driver;
  private boolean terminal;
  private boolean cancelRequested;
  private boolean started;
  private List<Object> generating;
  private volatile long lastActivity = System.nanoTime();
  private ScheduledFuture<?> deadlineTask;
  private ScheduledFuture<?> livenessTask;

  JobImpl(
      Connection conn,
      EndpointSpec spec,
      String sessionHash,
      boolean ownSession,
      List<String> dropped,
      JobListener listener) {
    this.conn = conn;
    this.spec = spec;
    this.sessionHash = sessionHash;
    this.ownSession = ownSession;
    this.dropped = List.copyOf(dropped);
    this.listener = listener;
    this.callbacks = new SerialExecutor(conn.callbackExecutor());
    // A caller cancelling the future means cancelling the job.
    result.whenComplete(
        (p, t) -> {
          if (t instanceof java.util.concurrent.CancellationException) cancel();
        });
  }

  @Override
  public String id() {
    String e = eventId;
    return e != null ? e : clientId;
  }

  String eventId() {
    return eventId;
  }

  void eventId(String eventId) {
    this.eventId = eventId;
  }

  @Override
  public CompletableFuture<Prediction> result() {
    return result;
  }

  @Override
  public List<String> droppedArguments() {
    return dropped;
  }

  void driver(Driver driver) {
    this.driver = driver;
  }

  /** The endpoint as a restarted app numbers it; only before the job's first request. */
  void respec(EndpointSpec fresh) {
    spec = fresh;
  }

  synchronized boolean isTerminal() {
    return terminal;
  }

  synchronized boolean cancelRequested() {
    return cancelRequested;
  }

  /** Stops the job's connection without telling the server (client shutting down). */
  void abandon() {
    Driver d = driver;
    if (d != null) d.abandon(this);
  }

  synchronized boolean hasStarted() {
    return started;
  }

  @Override
  public void cancel() {
    Driver d;
    synchronized (this) {
      if (terminal || cancelRequested) return;
      cancelRequested = true;
      d = driver;
    }
    log.debug("cancelling job {}", id());
    finish(new Event.Cancelled(), Failure.of(FailureCode.CANCELLED, "The job was cancelled."));
    if (d != null) {
      Driver target = d;
      conn.worker(() -> target.cancel(this));
    }
  }

  /**
   * Starts the deadline and liveness timers.
   *
   * @param heartbeat null when the protocol has no heartbeat (3.x websocket, where OkHttp's pings
   *     watch the connection instead)
   */
  void startTimers(Duration deadline, Duration heartbeat) {
    deadlineTask =
        conn.scheduler()
            .schedule(
                () -> timeout("The job did not finish within " + Connection.human(deadline) + "."),
                deadline.toMillis(),
                TimeUnit.MILLISECONDS);
    if (heartbeat != null) scheduleLiveness(heartbeat.toNanos());
  }

  private void scheduleLiveness(long delayNanos) {
    Duration heartbeat = conn.settings().heartbeatTimeout();
    livenessTask =
        conn.scheduler()
            .schedule(
                () -> {
                  if (isTerminal()) return;
                  long idle = System.nanoTime() - lastActivity;
                  if (idle >= heartbeat.toNanos()) {
                    timeout("The app sent nothing for " + Connection.human(heartbeat) + ".");
                  } else {
                    scheduleLiveness(heartbeat.toNanos() - idle);
                  }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
  }

  private void timeout(String message) {
    Driver d = driver;
    if (fail(Failure.of(FailureCode.TIMEOUT, message)) && d != null) {
      conn.worker(() -> d.abandon(this));
    }
  }

  /** Something arrived on the job's stream: it is alive. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  /**
   * Handles one queue message addressed to this job.
   *
   * @param diffs whether generator updates after the first are diffs (sse_v2 and later)
   * @return true when the server is done with the job
   */
  boolean handle(JsonNode msg, boolean diffs) {
    touch();
    String type = Json.text(msg, "msg");
    if (type == null) return false;
    switch (type) {
      case "estimation" -> {
        Double eta = Json.number(msg, "rank_eta");
        if (eta == null) eta = Json.number(msg, "queue_eta");
        emit(
            new Event.Queued(
                msg.path("rank").asInt(0), msg.path("queue_size").asInt(0), seconds(eta)));
        return false;
      }
      case "process_starts" -> {
        synchronized (this) {
          started = true;
        }
        emit(new Event.Started(seconds(Json.number(msg, "eta"))));
        return false;
      }
      case "progress" -> {
        List<Event.ProgressUnit> units = new ArrayList<>();
        for (JsonNode u : msg.path("progress_data")) {
          Integer index = u.path("index").isNumber() ? u.path("index").asInt() : null;
          Integer length = u.path("length").isNumber() ? u.path("length").asInt() : null;
          Double fraction = Json.number(u, "progress");
          if (fraction == null && index != null && length != null && length > 0) {
            fraction = index / (double) length;
          }
          units.add(
              new Event.ProgressUnit(
                  index, length, Json.text(u, "unit"), fraction, Json.text(u, "desc")));
        }
        emit(new Event.Progress(units));
        return false;
      }
      case "log" -> {
        emit(
            new Event.Log(
                Json.text(msg, "level") == null ? "info" : Json.text(msg, "level"),
                Failures.stripHtml(Json.text(msg, "log")),
                Json.text(msg, "title")));
        return false;
      }
      case "process_generating", "process_streaming" -> {
        JsonNode output = msg.path("output");
        if (msg.has("success") && !msg.path("success").asBoolean(true)) {
          fail(appFailure(msg));
          return false;
        }
        List<Object> data = generatorData(output.get("data"), diffs);
        if (data != null) {
          emit(new Event.Output(data, Outputs.findFiles(data, conn.resolver())));
        }
        return false;
      }
      case "process_completed" -> {
        complete(msg);
        return true;
      }
      case "queue_full" -> {
        fail(Failure.of(FailureCode.QUEUE_FULL, "The app's queue is full. Try again later."));
        return true;
      }
      case "unexpected_error" -> {
        log.debug("job {}: unexpected_error {}", id(), msg);
        fail(
            Failure.of(
                FailureCode.CONNECTION_LOST,
                msg.path("session_not_found").asBoolean(false)
                    ? "The app lost track of this job (it may have restarted)."
                    : "The app stopped the job unexpectedly."));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private synchronized List<Object> generatorData(JsonNode dataNode, boolean diffs) {
    if (dataNode == null || !dataNode.isArray()) return null;
    List<Object> incoming = new ArrayList<>();
    for (JsonNode n : dataNode) incoming.add(Json.plain(n));
    if (!diffs || generating == null) {
      generating = incoming;
      return new ArrayList<>(incoming);
    }
    List<Object> next = new ArrayList<>(generating);
    for (int i = 0; i < incoming.size(); i++) {
      Object prev = i < next.size() ? next.get(i) : null;
      Object value = Outputs.applyDiff(prev, incoming.get(i));
      if (i < next.size()) next.set(i, value);
      else next.add(value);
    }
    generating = next;
    return new ArrayList<>(next);
  }

  private void complete(JsonNode msg) {
    JsonNode output = msg.path("output");
    boolean success = msg.path("success").asBoolean(true);
    if (!success || output.hasNonNull("error")) {
      fail(appFailure(msg));
      return;
    }
    JsonNode dataNode = output.get("data");
    if (dataNode == null || !dataNode.isArray()) {
      // An empty output with success is what /cancel injects.
      finish(new Event.Cancelled(), Failure.of(FailureCode.CANCELLED, "The job was cancelled."));
      return;
    }
    List<Object> data = new ArrayList<>();
    for (JsonNode n : dataNode) data.add(Json.plain(n));
    Double duration = Json.number(output, "duration");
    Prediction p =
        new Prediction(
            data,
            Outputs.findFiles(data, conn.resolver()),
            duration == null ? Duration.ZERO : Duration.ofMillis((long) (duration * 1000)));
    finish(new Event.Completed(p), null, p);
  }

  private Failure appFailure(JsonNode msg) {
    JsonNode output = msg.path("output");
    log.debug("job {}: app error {}", id(), msg);
    String title = Json.text(msg, "title");
    if (title == null) title = Json.text(output, "title");
    String error = Json.text(output, "error");
    if (error == null) error = Json.text(msg, "message");
    return Failures.appError(title, error);
  }

  /** Delivers a non-terminal event unless the job already ended. */
  void emit(Event event) {
    synchronized (this) {
      if (terminal) return;
      callbacks.execute(() -> listener.onEvent(event));
    }
  }

  /** Ends the job with a failure; false if it had already ended. */
  boolean fail(Failure failure) {
    return finish(new Event.Failed(failure), failure, null);
  }

  boolean fail(GradioException e) {
    return fail(e.failure());
  }

  private boolean finish(Event event, Failure failure) {
    return finish(event, failure, null);
  }

  private boolean finish(Event event, Failure failure, Prediction prediction) {
    synchronized (this) {
      if (terminal) return false;
      terminal = true;
      if (deadlineTask != null) deadlineTask.cancel(false);
      if (livenessTask != null) livenessTask.cancel(false);
      callbacks.execute(
          () -> {
            try {
              listener.onEvent(event);
            } finally {
              if (failure != null) result.completeExceptionally(new GradioException(failure));
              else result.complete(prediction);
            }
          });
    }
    if (failure != null) log.debug("job {} ended: {}", id(), failure.code());
    conn.jobEnded(this);
    return true;
  }

  private static Optional<Duration> seconds(Double s) {
    if (s == null || s.isNaN() || s < 0) return Optional.empty();
    return Optional.of(Duration.ofMillis((long) (s * 1000)));
  }

  @Override
  public String toString() {
    return "Job["
        + id()
        + " "
        + (spec.apiName() == null ? spec.fnIndex() : "/" + spec.apiName())
        + "]";
  }
}
