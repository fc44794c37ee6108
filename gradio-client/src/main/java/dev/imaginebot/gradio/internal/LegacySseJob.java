package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import java.io.IOException;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sse} protocol of Gradio 4.0–4.8: one {@code GET queue/join} stream per job, and the
 * data posted to {@code queue/data} when the server asks for it.
 */
final class LegacySseJob extends EventSourceListener implements JobImpl.Driver {
  private static final Logger log = LoggerFactory.getLogger(LegacySseJob.class);
  private final Connection conn;
  private final JobImpl job;
  private final List<Object> data;
  private volatile EventSource source;

  LegacySseJob(Connection conn, JobImpl job, List<Object> data) {
    this.conn = conn;
    this.job = job;
    this.data = data;
  }

  void start() {
    job.driver(this);
    AppModel model = conn.model();
    Request request =
        conn.get(
                conn.base()
                    + model.prefix
                    + "/queue/join?fn_index="
                    + job.spec.fnIndex()
                    + "&session_hash="
                    + job.sessionHash)
            .build();
    source = conn.openSse(request, this);
  }

  @Override
  public void onEvent(EventSource es, String id, String type, String text) {
    JsonNode msg;
    try {
      msg = Json.parse(text);
    } catch (IOException e) {
      log.debug("job {}: unreadable message {}", job, text);
      job.fail(
          Failure.of(
              FailureCode.PROTOCOL_ERROR, "The app sent a message this client cannot read."));
      es.cancel();
      return;
    }
    job.touch();
    String kind = Json.text(msg, "msg");
    if ("heartbeat".equals(kind)) return;
    if ("send_data".equals(kind)) {
      String eventId = Json.text(msg, "event_id");
      if (eventId != null) job.eventId(eventId);
      conn.worker(() -> sendData(eventId));
      return;
    }
    boolean done;
    try {
      done = job.handle(msg, false);
    } catch (RuntimeException e) {
      log.debug("job {}: message not understood {}", job, msg, e);
      job.fail(
          Failure.of(
              FailureCode.PROTOCOL_ERROR, "The app sent an update this client cannot read."));
      done = true;
    }
    if (done) es.cancel();
  }

  private void sendData(String eventId) {
    AppModel model = conn.model();
    ObjectNode body = Json.object();
    body.set("data", Json.tree(data));
    body.putNull("event_data");
    body.put("fn_index", job.spec.fnIndex());
    body.put("session_hash", job.sessionHash);
    if (eventId != null) body.put("event_id", eventId);
    try (Response response =
        conn.execute(conn.post(conn.base() + model.prefix + "/queue/data", body).build())) {
      String text = response.body().string();
      if (!response.isSuccessful()) {
        log.debug("queue/data failed: HTTP {} {}", response.code(), text);
        job.fail(conn.httpFailure(response, text, "data"));
        cancelStream();
      }
    } catch (IOException e) {
      log.debug("queue/data failed", e);
      job.fail(
          Failure.of(FailureCode.CONNECTION_LOST, "Could not send the job's input to the app."));
      cancelStream();
    }
  }

  @Override
  public void onClosed(EventSource es) {
    lost(null);
  }

  @Override
  public void onFailure(EventSource es, Throwable t, Response response) {
    if (response != null && !response.isSuccessful()) {
      String text;
      try {
        text = response.body().string();
      } catch (IOException e) {
        text = "";
      }
      log.debug("queue/join failed: HTTP {} {}", response.code(), text);
      job.fail(conn.httpFailure(response, text, "join"));
      return;
    }
    lost(t);
  }

  private void lost(Throwable t) {
    if (job.isTerminal()) return;
    if (t != null) log.debug("job {}: stream lost", job, t);
    job.fail(
        Failure.of(
            FailureCode.CONNECTION_LOST,
            "The connection to the app was lost while the job was running."));
  }

  private void cancelStream() {
    EventSource s = source;
    if (s != null) s.cancel();
  }

  @Override
  public void cancel(JobImpl j) {
    // Dropping the stream makes the server forget the job.
    cancelStream();
  }

  @Override
  public void abandon(JobImpl j) {
    cancelStream();
  }
}
