package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/** The 3.x queue: one websocket to {@code /queue/join} per job. */
final class WebSocketDriver extends WebSocketListener implements Driver {
  private final Connection conn;
  private volatile JobImpl job;
  private volatile QueueStream stream;
  private volatile WebSocket socket;

  /** A driver for one job. */
  WebSocketDriver(Connection conn) {
    this.conn = conn;
  }

  @Override
  public void start(JobImpl job, List<Object> data, AppModel model) {
    this.job = job;
    this.stream = new QueueStream(conn, job, data);
    Request request = conn.http().get(conn.base() + model.prefix + "/queue/join").build();
    socket = conn.http().openWebSocket(request, this);
  }

  @Override
  public void onMessage(WebSocket ws, String text) {
    JsonNode msg = stream.parse(text);
    if (msg == null) {
      ws.cancel();
      return;
    }
    String kind = Json.text(msg, "msg");
    if ("send_hash".equals(kind)) {
      ObjectNode hello = Json.object();
      hello.put("fn_index", job.spec.fnIndex());
      hello.put("session_hash", job.sessionHash);
      ws.send(hello.toString());
      return;
    }
    if ("send_data".equals(kind)) {
      ws.send(stream.dataBody().toString());
      return;
    }
    if (stream.handle(msg)) ws.close(1000, null);
  }

  @Override
  public void onClosing(WebSocket ws, int code, String reason) {
    ws.close(1000, null);
    stream.lost(null);
  }

  @Override
  public void onClosed(WebSocket ws, int code, String reason) {
    stream.lost(null);
  }

  @Override
  public void onFailure(WebSocket ws, Throwable t, Response response) {
    stream.failed(t, response);
  }

  @Override
  public void cancel(JobImpl j) {
    AppModel model = conn.model();
    Integer canceller = model.cancellers.get(job.spec.fnIndex());
    if (canceller != null) {
      // Closing the socket does not stop a running 3.x job: the app's own cancel event does
      // (it cancels this session's task for the endpoint; every 3.x job has its own session).
      ObjectNode body = Json.object();
      body.set("data", Json.array());
      body.put("fn_index", canceller);
      body.put("session_hash", job.sessionHash);
      conn.http().postQuietly(conn.base() + model.prefix + "/api/predict/", body);
    }
    WebSocket ws = socket;
    if (ws != null) ws.cancel();
    ObjectNode reset = Json.object();
    reset.put("session_hash", job.sessionHash);
    reset.put("fn_index", job.spec.fnIndex());
    conn.http().postQuietly(conn.base() + "/reset", reset);
  }

  @Override
  public void abandon(JobImpl j) {
    WebSocket ws = socket;
    if (ws != null) ws.cancel();
  }
}
