package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import java.io.IOException;
import java.util.List;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the per-job streams of the 3.x websocket and the 4.0–4.8 {@code sse} queue have in common:
 * reading a message, handing it to the job, the data body, and failing the job when the stream is
 * refused or lost.
 */
final class QueueStream {
  private static final Logger log = LoggerFactory.getLogger(QueueStream.class);
  private final Connection conn;
  private final JobImpl job;
  private final List<Object> data;

  QueueStream(Connection conn, JobImpl job, List<Object> data) {
    this.conn = conn;
    this.job = job;
    this.data = data;
  }

  /** The message, or null after failing the job when it is not JSON. */
  JsonNode parse(String text) {
    try {
      JsonNode msg = Json.parse(text);
      job.touch();
      return msg;
    } catch (IOException e) {
      log.debug("job {}: unreadable message {}", job, text);
      job.fail(
          Failure.of(
              FailureCode.PROTOCOL_ERROR, "The app sent a message this client cannot read."));
      return null;
    }
  }

  /** Hands a status or output message to the job; true once the job has ended. */
  boolean handle(JsonNode msg) {
    try {
      return job.handle(msg, false);
    } catch (RuntimeException e) {
      log.debug("job {}: message not understood {}", job, msg, e);
      job.fail(
          Failure.of(
              FailureCode.PROTOCOL_ERROR, "The app sent an update this client cannot read."));
      return true;
    }
  }

  /** The body that carries the job's input. */
  ObjectNode dataBody() {
    ObjectNode body = Json.object();
    body.set("data", Json.tree(data));
    body.putNull("event_data");
    body.put("fn_index", job.spec.fnIndex());
    body.put("session_hash", job.sessionHash);
    return body;
  }

  /**
   * Fails the job for a stream that ended: with the server's answer when it refused the join, as a
   * lost connection otherwise.
   */
  void failed(Throwable t, Response response) {
    if (response != null && !response.isSuccessful()) {
      String text;
      try {
        text = response.body().string();
      } catch (IOException e) {
        text = "";
      }
      log.debug("queue/join refused: HTTP {} {}", response.code(), text);
      job.fail(conn.http().failure(response, text, "join"));
      return;
    }
    lost(t);
  }

  /** Fails the job, unless it has already ended, because its stream went away. */
  void lost(Throwable t) {
    if (job.isTerminal()) return;
    if (t != null) log.debug("job {}: stream lost", job, t);
    job.fail(
        Failure.of(
            FailureCode.CONNECTION_LOST,
            "The connection to the app was lost while the job was running."));
  }
}
