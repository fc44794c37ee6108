package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connecting: Hub lookup, token headers, waking, login, old config pages. */
class ConnectTest {
  @StartStop final MockWebServer server = new MockWebServer();
  @StartStop final MockWebServer hubServer = new MockWebServer();
  private final FakeSpace space = new FakeSpace();
  private final RecordingListener wake = new RecordingListener();
  private GradioClient client;

  @AfterEach
  void closeClient() {
    if (client != null) client.close();
  }

  private GradioOptions.Builder hub() {
    server.setDispatcher(space);
    space.routes.put(
        "/hub/api/spaces/owner/my-app/host",
        r -> FakeSpace.json(200, "{\"host\":\"" + server.url("/").toString() + "\"}"));
    return GradioOptions.builder().hubUrl(server.url("/hub").toString());
  }

  private static FailureCode codeOf(Runnable r) {
    try {
      r.run();
    } catch (GradioException e) {
      return e.failure().code();
    }
    throw new AssertionError("no failure");
  }

  @Test
  void anAppThatSpeaksAnUnknownProtocolFailsToConnectWithProtocolError() {
    space.routes.put(
        "/config", r -> FakeSpace.json(200, FakeSpace.CONFIG.replace("\"sse_v3\"", "\"grpc_v1\"")));
    server.setDispatcher(space);

    assertThatThrownBy(
            () -> GradioClient.connect(server.url("/").toString(), GradioOptions.defaults()))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              assertThat(e.failure().code()).isEqualTo(FailureCode.PROTOCOL_ERROR);
              assertThat(e.failure().message()).contains("(grpc_v1)");
            });
    // Parsed once, from the config: nothing else was asked.
    assertThat(space.requests).extracting(r -> r.getUrl().encodedPath()).containsExactly("/config");
  }

  @Test
  void spaceIdIsResolvedThroughTheHubAndTheTokenGoesOnlyToTheHub() throws Exception {
    FakeSpace hubSpace = new FakeSpace();
    hubServer.setDispatcher(hubSpace);
    hubSpace.routes.put(
        "/api/spaces/owner/my-app/host",
        r -> FakeSpace.json(200, "{\"host\":\"" + server.url("/mounted/").toString() + "\"}"));
    hubSpace.routes.put(
        "/api/spaces/owner/my-app/runtime", r -> FakeSpace.json(200, "{\"stage\":\"RUNNING\"}"));
    space.routes.put("/mounted/config", r -> FakeSpace.json(200, FakeSpace.CONFIG));
    space.routes.put("/mounted/gradio_api/info", r -> FakeSpace.json(200, FakeSpace.INFO));
    space.routes.put(
        "/mounted/gradio_api/queue/join", r -> FakeSpace.json(200, "{\"event_id\":\"e1\"}"));
    space.routes.put("/mounted/gradio_api/queue/data", r -> space.sse(FakeSpace.completed("e1")));
    server.setDispatcher(space);
    GradioOptions options =
        GradioOptions.builder().hubUrl(hubServer.url("/").toString()).hfToken("hf_secret").build();
    client = GradioClient.connect("owner/my-app", options);
    client.submit("/infer", Map.of("prompt", "x"), wake).result().get(10, TimeUnit.SECONDS);

    assertThat(client.app().baseUrl()).isEqualTo(server.url("/mounted").toString());
    assertThat(hubSpace.requests).hasSize(2);
    assertThat(hubSpace.requests)
        .allSatisfy(
            r -> assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer hf_secret"));
    assertThat(space.requests).hasSize(4);
    for (RecordedRequest r : space.requests) {
      assertThat(r.getHeaders().get("Authorization")).isNull();
      assertThat(r.getHeaders().get("X-HF-Authorization")).isNull();
    }
  }

  @Test
  void missingSpaceIsSpaceNotFound() {
    server.setDispatcher(space);
    GradioOptions options = GradioOptions.builder().hubUrl(server.url("/hub").toString()).build();
    assertThat(codeOf(() -> GradioClient.connect("owner/none", options)))
        .isEqualTo(FailureCode.SPACE_NOT_FOUND);
  }

  @Test
  void privateSpaceWithoutTokenIsAuthRequired() {
    server.setDispatcher(space);
    space.routes.put("/hub/api/spaces/owner/private/host", r -> FakeSpace.json(401, "{}"));
    GradioOptions options = GradioOptions.builder().hubUrl(server.url("/hub").toString()).build();
    assertThat(codeOf(() -> GradioClient.connect("owner/private", options)))
        .isEqualTo(FailureCode.AUTH_REQUIRED);
  }

  @Test
  void buildingSpaceIsWaitedForWithWakingEvents() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    GradioOptions.Builder options = hub();
    space.routes.put(
        "/hub/api/spaces/owner/my-app/runtime",
        r ->
            FakeSpace.json(
                200,
                polls.incrementAndGet() == 1
                    ? "{\"stage\":\"BUILDING\"}"
                    : "{\"stage\":\"RUNNING\"}"));
    client = GradioClient.connect("owner/my-app", options.build(), wake);
    assertThat(wake.next()).isEqualTo(new Event.Waking("BUILDING", "The Space is being built..."));
    assertThat(polls.get()).isEqualTo(2);
  }

  @Test
  void pausedSpaceFailsFastWithAReason() {
    GradioOptions.Builder options = hub();
    space.routes.put(
        "/hub/api/spaces/owner/my-app/runtime", r -> FakeSpace.json(200, "{\"stage\":\"PAUSED\"}"));
    assertThatThrownBy(() -> GradioClient.connect("owner/my-app", options.build()))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              assertThat(e.failure().code()).isEqualTo(FailureCode.SPACE_NOT_RUNNING);
              assertThat(e.failure().message()).contains("paused");
            });
    assertThat(space.count("/config")).isZero();
  }

  @Test
  void startingAppIsRetriedUntilItAnswers() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    space.routes.put(
        "/config",
        r ->
            tries.incrementAndGet() < 3
                ? new MockResponse.Builder().code(503).body("<html>starting</html>").build()
                : FakeSpace.json(200, FakeSpace.CONFIG));
    server.setDispatcher(space);
    client =
        GradioClient.connect(server.url("/").toString(), GradioOptions.builder().build(), wake);
    assertThat(wake.next()).isInstanceOf(Event.Waking.class);
    assertThat(tries.get()).isEqualTo(3);
  }

  @Test
  void appThatNeverStartsTimesOut() {
    space.routes.put("/config", r -> new MockResponse.Builder().code(502).build());
    server.setDispatcher(space);
    GradioOptions options = GradioOptions.builder().wakeTimeout(Duration.ofSeconds(1)).build();
    assertThat(codeOf(() -> GradioClient.connect(server.url("/").toString(), options)))
        .isEqualTo(FailureCode.TIMEOUT);
  }

  @Test
  void loginProtectedAppWithoutCredentialsIsAuthRequired() {
    space.routes.put(
        "/config",
        r ->
            FakeSpace.json(
                401, "{\"detail\":{\"error\":\"Not authenticated\",\"auth_message\":null}}"));
    server.setDispatcher(space);
    assertThat(
            codeOf(
                () -> GradioClient.connect(server.url("/").toString(), GradioOptions.defaults())))
        .isEqualTo(FailureCode.AUTH_REQUIRED);
  }

  @Test
  void wrongPasswordIsAuthDenied() {
    space.routes.put("/login", r -> FakeSpace.json(400, "{\"detail\":\"Incorrect credentials.\"}"));
    server.setDispatcher(space);
    GradioOptions options = GradioOptions.builder().login("u", "wrong").build();
    assertThat(codeOf(() -> GradioClient.connect(server.url("/").toString(), options)))
        .isEqualTo(FailureCode.AUTH_DENIED);
  }

  @Test
  void loginCookieIsSentOnLaterRequests() throws Exception {
    space.routes.put(
        "/login",
        r ->
            new MockResponse.Builder()
                .addHeader("Set-Cookie", "access-token-unsecure-x=tok; Path=/; HttpOnly")
                .addHeader("Content-Type", "application/json")
                .body("{\"success\":true}")
                .build());
    server.setDispatcher(space);
    client =
        GradioClient.connect(
            server.url("/").toString(), GradioOptions.builder().login("u", "p").build());
    client.submit("/infer", Map.of("prompt", "x"), wake).result().get(10, TimeUnit.SECONDS);
    List<RecordedRequest> later = space.requests.subList(1, space.requests.size());
    assertThat(later).isNotEmpty();
    assertThat(later)
        .allSatisfy(
            r -> assertThat(r.getHeaders().get("Cookie")).contains("access-token-unsecure-x=tok"));
  }

  @Test
  void oldAppConfigIsReadFromThePage() {
    String v3config =
        "{\"version\":\"3.50.2\",\"enable_queue\":true,\"components\":[{\"id\":1,\"type\":\"textbox\",\"props\":{\"label\":\"Prompt\",\"value\":\"\"}},"
            + "{\"id\":2,\"type\":\"image\",\"props\":{\"label\":\"Out\"}}],"
            + "\"dependencies\":[{\"targets\":[1],\"inputs\":[1],\"outputs\":[2],\"api_name\":\"predict\",\"queue\":null,\"backend_fn\":true}]}";
    space.routes.put("/config", r -> new MockResponse.Builder().code(404).build());
    space.routes.put(
        "/",
        r ->
            new MockResponse.Builder()
                .body("<html><script>window.gradio_config = " + v3config + ";</script></html>")
                .build());
    server.setDispatcher(space);
    client = GradioClient.connect(server.url("/").toString(), GradioOptions.defaults());
    assertThat(client.app().protocol()).isEqualTo("ws");
    assertThat(client.api().toString()).contains("predict(param_0, api_name=\"/predict\")");
    assertThat(client.api().endpoint("/predict").orElseThrow().parameters().get(0).label())
        .isEqualTo("Prompt");
  }
}
