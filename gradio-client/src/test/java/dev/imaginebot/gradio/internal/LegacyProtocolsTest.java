package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.Prediction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The 3.x websocket, the 4.0–4.8 {@code sse} flow and non-queued {@code /run} calls. */
class LegacyProtocolsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeSpace space = new FakeSpace();
  private final RecordingListener events = new RecordingListener();
  private GradioClient client;

  private static String config(String version, String protocolField, boolean enableQueue) {
    return "{\"version\":\""
        + version
        + "\","
        + protocolField
        + "\"enable_queue\":"
        + enableQueue
        + ",\"components\":[{\"id\":1,\"type\":\"textbox\",\"props\":{\"label\":\"Prompt\",\"value\":\"\"}},"
        + "{\"id\":2,\"type\":\"image\",\"props\":{\"label\":\"Out\"}},"
        + "{\"id\":3,\"type\":\"state\",\"props\":{}}],"
        + "\"dependencies\":[{\"targets\":[1],\"inputs\":[1,3],\"outputs\":[2,3],\"api_name\":\"predict\",\"queue\":null,\"backend_fn\":true}]}";
  }

  @AfterEach
  void closeClient() {
    if (client != null) client.close();
  }

  private GradioClient connect(String config) {
    space.routes.put("/config", r -> FakeSpace.json(200, config));
    server.setDispatcher(space);
    client = GradioClient.connect(server.url("/").toString(), GradioOptions.defaults());
    return client;
  }

  @Test
  void websocketQueueOf3x() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    String png = "data:image/png;base64,iVBORw0KGgo=";
    space.routes.put(
        "/queue/join",
        r ->
            new MockResponse.Builder()
                .webSocketUpgrade(
                    new WebSocketListener() {
                      @Override
                      public void onOpen(WebSocket ws, Response response) {
                        ws.send("{\"msg\":\"send_hash\"}");
                      }

                      @Override
                      public void onMessage(WebSocket ws, String text) {
                        received.add(text);
                        if (received.size() == 1) {
                          ws.send(
                              "{\"msg\":\"estimation\",\"rank\":0,\"queue_size\":1,\"rank_eta\":null,\"queue_eta\":2.0}");
                          ws.send("{\"msg\":\"send_data\"}");
                        } else {
                          ws.send("{\"msg\":\"process_starts\"}");
                          ws.send(
                              "{\"msg\":\"process_completed\",\"success\":true,\"output\":{\"data\":[\""
                                  + png
                                  + "\",null],\"duration\":0.1}}");
                          ws.close(1000, null);
                        }
                      }
                    })
                .build());
    connect(config("3.50.2", "", true));
    assertThat(client.app().protocol()).isEqualTo("ws");
    Prediction p =
        client
            .submit("/predict", Map.of("Prompt", "a cat"), events)
            .result()
            .get(10, TimeUnit.SECONDS);

    assertThat(events.next()).isInstanceOf(Event.Queued.class);
    assertThat(events.next()).isInstanceOf(Event.Started.class);
    assertThat(events.next()).isInstanceOf(Event.Completed.class);
    assertThat(p.files()).hasSize(1);
    assertThat(client.download(p.files().get(0), 100)).hasSize(8);
    assertThat(Json.parse(received.get(0)).get("fn_index").asInt()).isEqualTo(0);
    assertThat(Json.parse(received.get(1)).get("data").toString()).isEqualTo("[\"a cat\",null]");
  }

  @Test
  void queueFullMessageOnTheWebsocket() {
    space.routes.put(
        "/queue/join",
        r ->
            new MockResponse.Builder()
                .webSocketUpgrade(
                    new WebSocketListener() {
                      @Override
                      public void onOpen(WebSocket ws, Response response) {
                        ws.send("{\"msg\":\"queue_full\"}");
                        ws.close(1000, null);
                      }
                    })
                .build());
    connect(config("3.50.2", "", true));
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () -> client.submit("/predict", Map.of(), events).result().get(10, TimeUnit.SECONDS));
    assertThat(((GradioException) e.getCause()).failure().code()).isEqualTo(FailureCode.QUEUE_FULL);
  }

  @Test
  void sseFlowOf40SendsDataWhenAsked() throws Exception {
    space.routes.put(
        "/queue/join",
        r ->
            new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(
                    FakeSpace.events(
                        "{\"msg\":\"estimation\",\"rank\":0,\"queue_size\":1,\"rank_eta\":null}",
                        "{\"msg\":\"send_data\",\"event_id\":\"ev1\"}",
                        "{\"msg\":\"process_starts\"}",
                        "{\"msg\":\"process_completed\",\"success\":true,\"output\":{\"data\":[{\"path\":\"/tmp/x.png\",\"url\":null},null]}}"))
                .build());
    space.routes.put("/queue/data", r -> FakeSpace.json(200, "{\"msg\":\"success\"}"));
    connect(config("4.5.0", "\"protocol\":\"sse\",", true));
    Prediction p =
        client.submit("/predict", Map.of("Prompt", "x"), events).result().get(10, TimeUnit.SECONDS);
    assertThat(p.files().get(0).url()).isEqualTo(server.url("/file=/tmp/x.png").toString());
    org.awaitility.Awaitility.await().until(() -> space.count("/queue/data") == 1);
    String body =
        space.requests.stream()
            .filter(r -> r.getUrl().encodedPath().equals("/queue/data"))
            .findFirst()
            .orElseThrow()
            .getBody()
            .utf8();
    assertThat(Json.text(Json.parse(body), "event_id")).isEqualTo("ev1");
    assertThat(Json.parse(body).get("data").toString()).isEqualTo("[\"x\",null]");
  }

  @Test
  void nonQueuedAppIsCalledThroughRun() throws Exception {
    space.routes.put(
        "/run/predict",
        r ->
            FakeSpace.json(
                200, "{\"data\":[\"data:image/png;base64,AAAA\",null],\"duration\":0.2}"));
    connect(config("3.50.2", "", false));
    Prediction p = client.predict("/predict", Map.of("Prompt", "x"));
    assertThat(p.files()).hasSize(1);
    assertThat(space.count("/run/predict")).isEqualTo(1);
  }

  @Test
  void runErrorIsAppError() {
    space.routes.put("/run/predict", r -> FakeSpace.json(500, "{\"error\":\"boom\"}"));
    connect(config("3.50.2", "", false));
    try {
      client.predict("/predict", Map.of("Prompt", "x"));
      throw new AssertionError("no failure");
    } catch (GradioException e) {
      assertThat(e.failure().code()).isEqualTo(FailureCode.APP_ERROR);
      assertThat(e.failure().message()).isEqualTo("boom");
    }
  }
}
