package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.Prediction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sse_v3 queue against a scripted app: the cases a real server cannot produce on demand. */
class SseQueueTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeSpace space = new FakeSpace();
  private final RecordingListener events = new RecordingListener();
  private GradioClient client;

  private GradioClient connect() {
    return connect(GradioOptions.builder());
  }

  private GradioClient connect(GradioOptions.Builder options) {
    server.setDispatcher(space);
    client = GradioClient.connect(server.url("/").toString(), options.build());
    return client;
  }

  @AfterEach
  void closeClient() {
    if (client != null) client.close();
  }

  private static Failure failureOf(Job job) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> job.result().get(10, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(GradioException.class);
    return ((GradioException) e.getCause()).failure();
  }

  @Test
  void jobStreamsEventsCompletesWithFilesAndCostsOneJoinAndOneStream() throws Exception {
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"estimation\",\"event_id\":\"EVENT\",\"rank\":1,\"queue_size\":2,\"rank_eta\":3.5}",
                "{\"msg\":\"process_starts\",\"event_id\":\"EVENT\",\"eta\":1.0}",
                "{\"msg\":\"heartbeat\"}",
                "{\"msg\":\"progress\",\"event_id\":\"EVENT\",\"progress_data\":[{\"index\":1,\"length\":4,\"unit\":\"steps\",\"progress\":null,\"desc\":null}]}",
                "{\"msg\":\"log\",\"event_id\":\"EVENT\",\"log\":\"almost\",\"level\":\"info\",\"title\":null}",
                FakeSpace.completed("EVENT"));
    connect();
    long before = client.requestCount();
    AtomicReference<Job> jobRef = new AtomicReference<>();
    AtomicBoolean doneAtTerminal = new AtomicBoolean(true);
    CountDownLatch submitted = new CountDownLatch(1);
    Job job =
        client.submit(
            "/infer",
            Map.of("prompt", "a cat"),
            e -> {
              events.onEvent(e);
              if (e.terminal()) {
                awaitQuietly(submitted);
                doneAtTerminal.set(jobRef.get().result().isDone());
              }
            });
    jobRef.set(job);
    submitted.countDown();
    Prediction p = job.result().get(10, TimeUnit.SECONDS);

    assertThat(events.next())
        .isEqualTo(new Event.Queued(1, 2, java.util.Optional.of(Duration.ofMillis(3500))));
    assertThat(events.next()).isInstanceOf(Event.Started.class);
    assertThat(((Event.Progress) events.next()).units().get(0).fraction()).isEqualTo(0.25);
    assertThat(events.next()).isEqualTo(new Event.Log("info", "almost", null));
    assertThat(events.next()).isInstanceOf(Event.Completed.class);
    events.assertNoMore();
    assertThat(events.threads).allMatch(t -> t.startsWith("gradio-callbacks"));
    assertThat(doneAtTerminal).isFalse();

    String fileUrl = server.url("/gradio_api/file=/tmp/gradio/a/image.webp").toString();
    assertThat(p.files()).extracting(FileRef::url).containsExactly(fileUrl);
    assertThat(p.data().get(1)).isEqualTo(5);
    assertThat(p.duration()).isEqualTo(Duration.ofMillis(500));
    assertThat(client.requestCount() - before).isEqualTo(2);
    assertThat(space.count("/gradio_api/queue/join")).isEqualTo(1);
    assertThat(space.count("/gradio_api/queue/data")).isEqualTo(1);

    space.routes.put(
        "/gradio_api/file=/tmp/gradio/a/image.webp",
        r -> new MockResponse.Builder().body("PNGDATA").build());
    assertThat(client.download(p.files().get(0), 100)).isEqualTo("PNGDATA".getBytes());
    assertThat(client.requestCount() - before).isEqualTo(3);
  }

  @Test
  void joinBodyCarriesStateSlotSessionAndFnIndex() throws Exception {
    connect();
    client
        .submit("/infer", Map.of("prompt", "a cat", "seed", 7), events)
        .result()
        .get(10, TimeUnit.SECONDS);
    String body =
        space.requests.stream()
            .filter(r -> r.getUrl().encodedPath().equals("/gradio_api/queue/join"))
            .findFirst()
            .orElseThrow()
            .getBody()
            .utf8();
    assertThat(Json.parse(body).get("data").toString()).isEqualTo("[\"a cat\",7,null]");
    assertThat(Json.parse(body).get("fn_index").asInt()).isEqualTo(0);
    assertThat(Json.text(Json.parse(body), "session_hash")).isNotBlank();
  }

  @Test
  void zeroGpuQuotaFailureIsClassifiedWithRetryHint() throws Exception {
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"process_completed\",\"event_id\":\"EVENT\",\"success\":false,\"title\":\"ZeroGPU quota exceeded\","
                    + "\"output\":{\"error\":\"You have exceeded your GPU quota (46s left vs. 60s requested). "
                    + "<a href='/join'>Sign-up</a> to get more quotas or retry in 0:09:48.\",\"title\":\"Error\"}}");
    connect();
    Job job = client.submit("/infer", Map.of("prompt", "x"), events);
    Failure f = failureOf(job);
    assertThat(f.code()).isEqualTo(FailureCode.QUOTA_EXCEEDED);
    assertThat(f.retryAfter()).contains(Duration.ofSeconds(9 * 60 + 48));
    assertThat(f.message()).doesNotContain("<a").contains("exceeded your GPU quota");
    assertThat(events.next()).isEqualTo(new Event.Failed(f));
    events.assertNoMore();
  }

  @Test
  void appErrorCarriesTheAppsMessage() throws Exception {
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"process_completed\",\"event_id\":\"EVENT\",\"success\":false,"
                    + "\"output\":{\"error\":\"<p>Prompt too long</p>\",\"title\":\"Error\"}}");
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f).isEqualTo(Failure.of(FailureCode.APP_ERROR, "Prompt too long"));
  }

  @Test
  void fullQueueOnJoinIsQueueFull() {
    space.join =
        r -> FakeSpace.json(503, "{\"detail\":\"Queue is full. Max size is 2 and size is 2.\"}");
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.QUEUE_FULL);
    assertThat(f.message()).doesNotContain("Max size");
    assertThat(space.count("/gradio_api/queue/data")).isZero();
  }

  @Test
  void stoppedQueueIsQueueStopped() {
    space.join = r -> FakeSpace.json(503, "{\"detail\":\"Queue is stopped.\"}");
    connect();
    assertThat(failureOf(client.submit("/infer", Map.of("prompt", "x"), events)).code())
        .isEqualTo(FailureCode.QUEUE_STOPPED);
  }

  @Test
  void validatorRejectionIsInputRejectedWithItsMessage() {
    space.join =
        r ->
            FakeSpace.json(
                422,
                "{\"detail\":[{\"__type__\":\"validate\",\"is_valid\":false,\"message\":\"Prompt must not be empty\",\"parameter_name\":\"prompt\"}]}");
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", ""), events));
    assertThat(f.code()).isEqualTo(FailureCode.INPUT_REJECTED);
    assertThat(f.message()).contains("Prompt must not be empty");
  }

  @Test
  void rateLimitCarriesRetryAfter() {
    space.join =
        r ->
            new MockResponse.Builder()
                .code(429)
                .addHeader("Retry-After", "30")
                .body("slow down")
                .build();
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.RATE_LIMITED);
    assertThat(f.retryAfter()).contains(Duration.ofSeconds(30));
  }

  @Test
  void droppedStreamIsConnectionLost() {
    space.stream =
        r ->
            new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .chunkedBody(
                    FakeSpace.events(
                        "{\"msg\":\"estimation\",\"event_id\":\""
                            + space.latestEvent()
                            + "\",\"rank\":0,\"queue_size\":1,\"rank_eta\":null}"),
                    8)
                .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
                .build();
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.CONNECTION_LOST);
  }

  @Test
  void streamThatEndsWithJobsPendingIsReopenedThenGivenUp() {
    space.stream =
        r ->
            new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("")
                .build();
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.CONNECTION_LOST);
    assertThat(space.count("/gradio_api/queue/data")).isEqualTo(3);
  }

  @Test
  void malformedJsonOnTheStreamIsProtocolError() {
    space.stream = r -> space.sse("{not json");
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.PROTOCOL_ERROR);
    assertThat(f.message()).doesNotContain("not json");
  }

  @Test
  void malformedJoinAnswerIsProtocolError() {
    space.join = r -> FakeSpace.json(200, "<html>");
    connect();
    assertThat(failureOf(client.submit("/infer", Map.of("prompt", "x"), events)).code())
        .isEqualTo(FailureCode.PROTOCOL_ERROR);
  }

  @Test
  void sessionNotFoundFailsPendingJobsWithoutTheRawMessage() {
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"unexpected_error\",\"message\":\"404: Session not found.\",\"session_not_found\":true,\"success\":false}");
    connect();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.CONNECTION_LOST);
    assertThat(f.message()).doesNotContain("404");
  }

  @Test
  void generatorDiffsAreApplied() throws Exception {
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"process_generating\",\"event_id\":\"EVENT\",\"success\":true,\"output\":{\"data\":[\"a\"],\"is_generating\":true}}",
                "{\"msg\":\"process_generating\",\"event_id\":\"EVENT\",\"success\":true,\"output\":{\"data\":[[[\"append\",[],\"b\"]]],\"is_generating\":true}}",
                "{\"msg\":\"process_generating\",\"event_id\":\"EVENT\",\"success\":true,\"output\":{\"data\":[[[\"append\",[],\"c\"]]],\"is_generating\":true}}",
                "{\"msg\":\"process_completed\",\"event_id\":\"EVENT\",\"success\":true,\"output\":{\"data\":[\"abc\"]}}");
    connect();
    Prediction p = client.submit("/gen", Map.of(), events).result().get(10, TimeUnit.SECONDS);
    assertThat(((Event.Output) events.next()).data()).containsExactly("a");
    assertThat(((Event.Output) events.next()).data()).containsExactly("ab");
    assertThat(((Event.Output) events.next()).data()).containsExactly("abc");
    assertThat(events.next()).isInstanceOf(Event.Completed.class);
    assertThat(p.data()).containsExactly("abc");
  }

  @Test
  void unknownEndpointFailsBeforeAnyRequestListingValidOnes() {
    connect();
    long before = client.requestCount();
    Failure f = failureOf(client.submit("/nope", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.ENDPOINT_NOT_FOUND);
    assertThat(f.message()).contains("/infer, /gen").doesNotContain("/hidden");
    assertThat(failureOf(client.submit("/hidden", Map.of(), events)).code())
        .isEqualTo(FailureCode.ENDPOINT_NOT_FOUND);
    assertThat(client.requestCount()).isEqualTo(before);
  }

  @Test
  void strictModeFailsUnknownArgumentsBeforeAnyRequest() throws Exception {
    connect(GradioOptions.builder().strictArguments(true));
    long before = client.requestCount();
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x", "steps", 4), events));
    assertThat(f.code()).isEqualTo(FailureCode.INPUT_REJECTED);
    assertThat(f.message()).contains("steps").contains("prompt, seed");
    assertThat(events.next()).isInstanceOf(Event.Failed.class);
    assertThat(client.requestCount()).isEqualTo(before);
  }

  @Test
  void lenientModeReportsDroppedArguments() throws Exception {
    connect();
    Job job = client.submit("/infer", Map.of("prompt", "x", "steps", 4), events);
    job.result().get(10, TimeUnit.SECONDS);
    assertThat(job.droppedArguments()).containsExactly("steps");
  }

  @Test
  void offOriginFileIsRefusedWithoutARequest() {
    connect();
    long before = client.requestCount();
    FileRef evil = new FileRef("http://example.invalid/x.png", null, null, null, null);
    assertThatThrownBy(() -> client.download(evil, 1000))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> assertThat(e.failure().code()).isEqualTo(FailureCode.FILE_REJECTED));
    assertThat(client.requestCount()).isEqualTo(before);
  }

  @Test
  void redirectOffOriginIsRefused() {
    space.routes.put(
        "/gradio_api/file=/x.png",
        r ->
            new MockResponse.Builder()
                .code(302)
                .addHeader("Location", "http://example.invalid/x.png")
                .build());
    connect();
    FileRef ref =
        new FileRef(server.url("/gradio_api/file=/x.png").toString(), "/x.png", null, null, null);
    assertThatThrownBy(() -> client.download(ref, 1000))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> assertThat(e.failure().code()).isEqualTo(FailureCode.FILE_REJECTED));
  }

  @Test
  void oversizeFileIsRefused() {
    space.routes.put("/big", r -> new MockResponse.Builder().body("x".repeat(2048)).build());
    space.routes.put(
        "/big-chunked",
        r ->
            new MockResponse.Builder()
                .chunkedBody(new Buffer().writeUtf8("y".repeat(4096)), 512)
                .build());
    connect();
    for (String path : List.of("/big", "/big-chunked")) {
      FileRef ref = new FileRef(server.url(path).toString(), null, null, null, null);
      assertThatThrownBy(() -> client.download(ref, 1000))
          .isInstanceOfSatisfying(
              GradioException.class,
              e -> {
                assertThat(e.failure().code()).isEqualTo(FailureCode.FILE_REJECTED);
                assertThat(e.failure().message()).contains("larger than 1000 bytes");
              });
    }
  }

  @Test
  void dataUrisAreDecodedLocallyUnderTheCap() {
    connect();
    long before = client.requestCount();
    FileRef small = new FileRef("data:text/plain;base64,aGVsbG8=", null, null, null, null);
    assertThat(client.download(small, 5)).isEqualTo("hello".getBytes());
    assertThatThrownBy(() -> client.download(small, 4))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> assertThat(e.failure().code()).isEqualTo(FailureCode.FILE_REJECTED));
    assertThat(client.requestCount()).isEqualTo(before);
  }

  @Test
  void concurrentJobsShareOneStreamRoutedByEventId() throws Exception {
    CountDownLatch bothJoined = new CountDownLatch(2);
    space.join =
        r -> {
          int n = space.joins.get();
          bothJoined.countDown();
          awaitQuietly(bothJoined);
          return FakeSpace.json(200, "{\"event_id\":\"e" + n + "\"}");
        };
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"process_completed\",\"event_id\":\"e2\",\"success\":true,\"output\":{\"data\":[null,2]}}",
                "{\"msg\":\"process_completed\",\"event_id\":\"e1\",\"success\":true,\"output\":{\"data\":[null,1]}}");
    connect();
    RecordingListener second = new RecordingListener();
    Job a = client.submit("/infer", Map.of("prompt", "a"), events);
    Job b = client.submit("/infer", Map.of("prompt", "b"), second);
    Prediction pa = a.result().get(10, TimeUnit.SECONDS);
    Prediction pb = b.result().get(10, TimeUnit.SECONDS);
    assertThat(List.of(pa.data().get(1), pb.data().get(1))).containsExactlyInAnyOrder(1, 2);
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(pa.data().get(1)).isEqualTo(Integer.parseInt(a.id().substring(1)));
    assertThat(space.count("/gradio_api/queue/data")).isEqualTo(1);
  }

  @Test
  void messagesArrivingBeforeTheJoinAnswerAreBufferedAndDelivered() throws Exception {
    CountDownLatch firstDone = new CountDownLatch(1);
    space.join =
        r -> {
          int n = space.joins.get();
          if (n == 2) awaitQuietly(firstDone);
          return FakeSpace.json(200, "{\"event_id\":\"e" + n + "\"}");
        };
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"estimation\",\"event_id\":\"e2\",\"rank\":0,\"queue_size\":1}",
                "{\"msg\":\"process_completed\",\"event_id\":\"e2\",\"success\":true,\"output\":{\"data\":[null,2]}}",
                "{\"msg\":\"process_completed\",\"event_id\":\"e1\",\"success\":true,\"output\":{\"data\":[null,1]}}");
    connect();
    Job a =
        client.submit(
            "/infer",
            Map.of("prompt", "a"),
            e -> {
              if (e.terminal()) firstDone.countDown();
            });
    org.awaitility.Awaitility.await().until(() -> a.id().equals("e1"));
    Job b = client.submit("/infer", Map.of("prompt", "b"), events);
    assertThat(a.result().get(10, TimeUnit.SECONDS).data().get(1)).isEqualTo(1);
    assertThat(b.result().get(10, TimeUnit.SECONDS).data().get(1)).isEqualTo(2);
    assertThat(events.next()).isInstanceOf(Event.Queued.class);
    assertThat(events.next()).isInstanceOf(Event.Completed.class);
    assertThat(space.count("/gradio_api/queue/data")).isEqualTo(1);
  }

  @Test
  void silentStreamTimesOut() {
    space.stream =
        r ->
            FakeSpace.openStream(
                "{\"msg\":\"estimation\",\"event_id\":\""
                    + space.latestEvent()
                    + "\",\"rank\":0,\"queue_size\":1}");
    connect(GradioOptions.builder().heartbeatTimeout(Duration.ofMillis(300)));
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.TIMEOUT);
  }

  @Test
  void deadlineTimesOut() {
    space.stream = r -> FakeSpace.openStream();
    connect(GradioOptions.builder().deadline(Duration.ofMillis(300)));
    Failure f = failureOf(client.submit("/infer", Map.of("prompt", "x"), events));
    assertThat(f.code()).isEqualTo(FailureCode.TIMEOUT);
    assertThat(f.message()).contains("did not finish");
  }

  @Test
  void cancelPostsCancelAndResetAndIsSafeTwice() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    space.routes.put(
        "/gradio_api/cancel",
        r -> {
          cancelled.countDown();
          return FakeSpace.json(200, "{\"success\":true}");
        });
    space.routes.put("/gradio_api/reset", r -> FakeSpace.json(200, "{\"success\":true}"));
    space.stream =
        r ->
            FakeSpace.openStream(
                "{\"msg\":\"process_starts\",\"event_id\":\"" + space.latestEvent() + "\"}");
    connect();
    Job job = client.submit("/infer", Map.of("prompt", "x"), events);
    assertThat(events.next()).isInstanceOf(Event.Started.class);
    job.cancel();
    job.cancel();
    assertThat(events.next()).isEqualTo(new Event.Cancelled());
    assertThat(failureOf(job).code()).isEqualTo(FailureCode.CANCELLED);
    assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    String body =
        space.requests.stream()
            .filter(r -> r.getUrl().encodedPath().equals("/gradio_api/cancel"))
            .findFirst()
            .orElseThrow()
            .getBody()
            .utf8();
    assertThat(Json.text(Json.parse(body), "event_id")).isEqualTo(job.id());
    assertThat(space.count("/gradio_api/queue/data")).isEqualTo(1);
    events.assertNoMore();
  }

  @Test
  void apiReadsLikeViewApi() {
    connect();
    String text = client.api().toString();
    assertThat(text)
        .startsWith("Client.predict() Usage Info")
        .contains("- predict(prompt, seed, api_name=\"/infer\") -> (result, seed)")
        .contains("[Slider] seed: float (not required, defaults to: 0) (label: Seed)")
        .contains("Unnamed API endpoints: 1")
        .doesNotContain("/hidden");
    assertThat(client.api().endpoint("infer").orElseThrow().parameters().get(1).maximum())
        .isEqualTo(100.0);
    assertThat(client.app().protocol()).isEqualTo("sse_v3");
    assertThat(client.app().apiPrefix()).isEqualTo("/gradio_api");
  }

  @Test
  void unnamedEndpointIsCallableThroughItsEndpoint() throws Exception {
    space.stream =
        r ->
            space.sse(
                "{\"msg\":\"process_completed\",\"event_id\":\"EVENT\",\"success\":true,\"output\":{\"data\":[\"ok\"]}}");
    connect();
    var unnamed =
        client.api().endpoints().stream().filter(e -> e.name() == null).findFirst().orElseThrow();
    Prediction p =
        client
            .submit(unnamed, Arguments.positional("x"), events)
            .result()
            .get(10, TimeUnit.SECONDS);
    assertThat(p.data()).containsExactly("ok");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
