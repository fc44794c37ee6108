package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import java.io.IOException;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The 3.x queue: one websocket to {@code /queue/join} per job. */
final class WebSocketJob extends WebSocketListener implements JobImpl.Driver {
  private static final Logger log = LoggerFactory.getLogger(WebSocketJob.class);
  private final Connection conn;
  private final JobImpl job;
  private final List<Object> data;
  private volatile WebSocket socket;

  WebSocketJob(Connection conn, JobImpl job, List<Object> data) {
    this.conn = conn;
    this.job = job;
    this.data = data;
  }

  void start() {
    job.driver(this);
    Request request = conn.get(conn.base() + conn.model().prefix + "/queue/join").build();
    socket = conn.openWebSocket(request, this);
  }

  @Override
  public void onMessage(WebSocket ws, String text) {
    JsonNode msg;
    try {
      msg = Json.parse(text);
    } catch (IOException e) {
      log.debug("job {}: unreadable message {}", job, text);
      job.fail(
          Failure.of(
              FailureCode.PROTOCOL_ERROR, "The app sent a message this client cannot read."));
      ws.cancel();
      return;
    }
    job.touch();
    String kind = Json.text(msg, "msg");
    if ("send_hash".equals(kind)) {
      ObjectNode hello = Json.object();
      hello.put("fn_index", job.spec.fnIndex());
      hello.put("session_hash", job.sessionHash);
      ws.send(hello.toString());
      return;
    }
    if ("send_data".equals(kind)) {
      ObjectNode body = Json.object();
      body.set("data", Json.tree(data));
      body.putNull("event_data");
      body.put("fn_index", job.spec.fnIndex());
      body.put("session_hash", job.sessionHash);
      ws.send(body.toString());
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
    if (done) ws.close(1000, null);
  }

  @Override
  public void onClosing(WebSocket ws, int code, String reason) {
    ws.close(1000, null);
    lost(null);
  }

  @Override
  public void onClosed(WebSocket ws, int code, String reason) {
    lost(null);
  }

  @Override
  public void onFailure(WebSocket ws, Throwable t, Response response) {
    if (response != null && !response.isSuccessful()) {
      String text;
      try {
        text = response.body().string();
      } catch (IOException e) {
        text = "";
      }
      log.debug("websocket refused: HTTP {} {}", response.code(), text);
      job.fail(conn.httpFailure(response, text, "join"));
      return;
    }
    lost(t);
  }

  private void lost(Throwable t) {
    if (job.isTerminal()) return;
    if (t != null) log.debug("job {}: websocket lost", job, t);
    job.fail(
        Failure.of(
            FailureCode.CONNECTION_LOST,
            "The connection to the app was lost while the job was running."));
  }

  @Override
  public void cancel(JobImpl j) {
    WebSocket ws = socket;
    if (ws != null) ws.cancel();
    ObjectNode reset = Json.object();
    reset.put("session_hash", job.sessionHash);
    reset.put("fn_index", job.spec.fnIndex());
    conn.postQuietly(conn.base() + "/reset", reset);
  }

  @Override
  public void abandon(JobImpl j) {
    WebSocket ws = socket;
    if (ws != null) ws.cancel();
  }
}
