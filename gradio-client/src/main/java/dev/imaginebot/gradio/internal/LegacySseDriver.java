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
final class LegacySseDriver extends EventSourceListener implements Driver {
  private static final Logger log = LoggerFactory.getLogger(LegacySseDriver.class);
  private final Connection conn;
  private volatile JobImpl job;
  private volatile QueueStream stream;
  private volatile EventSource source;

  /** A driver for one job. */
  LegacySseDriver(Connection conn) {
    this.conn = conn;
  }

  @Override
  public void start(JobImpl job, List<Object> data, AppModel model) {
    this.job = job;
    this.stream = new QueueStream(conn, job, data);
    Request request =
        conn.http()
            .get(
                conn.base()
                    + model.prefix
                    + "/queue/join?fn_index="
                    + job.spec.fnIndex()
                    + "&session_hash="
                    + job.sessionHash)
            .build();
    source = conn.http().openSse(request, this);
  }

  @Override
  public void onEvent(EventSource es, String id, String type, String text) {
    JsonNode msg = stream.parse(text);
    if (msg == null) {
      es.cancel();
      return;
    }
    String kind = Json.text(msg, "msg");
    if ("heartbeat".equals(kind)) return;
    if ("send_data".equals(kind)) {
      String eventId = Json.text(msg, "event_id");
      if (eventId != null) job.eventId(eventId);
      conn.worker(() -> sendData(eventId));
      return;
    }
    if (stream.handle(msg)) es.cancel();
  }

  private void sendData(String eventId) {
    AppModel model = conn.model();
    ObjectNode body = stream.dataBody();
    if (eventId != null) body.put("event_id", eventId);
    try (Response response =
        conn.http()
            .execute(conn.http().post(conn.base() + model.prefix + "/queue/data", body).build())) {
      String text = response.body().string();
      if (!response.isSuccessful()) {
        log.debug("queue/data failed: HTTP {} {}", response.code(), text);
        job.fail(conn.http().failure(response, text, "data"));
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
    stream.lost(null);
  }

  @Override
  public void onFailure(EventSource es, Throwable t, Response response) {
    stream.failed(t, response);
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
