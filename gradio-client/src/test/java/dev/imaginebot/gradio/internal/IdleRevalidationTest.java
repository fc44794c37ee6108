package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.HostPolicy;
import dev.imaginebot.gradio.JobListener;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code app_id} check before the first job after an idle spell, on a fake clock. */
class IdleRevalidationTest {
  private static final String APP_ID = "/gradio_api/app_id";
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeSpace space = new FakeSpace();
  private final AtomicLong now = new AtomicLong();
  private Connection conn;

  @BeforeEach
  void connect() {
    space.routes.put(APP_ID, r -> FakeSpace.json(200, "{\"app_id\":1234}"));
    server.setDispatcher(space);
    ClientSettings settings =
        new ClientSettings(
            "http://127.0.0.1:1",
            null,
            null,
            null,
            null,
            null,
            false,
            Duration.ofSeconds(60),
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            1024 * 1024,
            Set.of(),
            Duration.ofMinutes(5),
            now::get,
            HostPolicy.open(),
            Duration.ofMinutes(1));
    conn = Connection.connect(server.url("/").toString(), settings, JobListener.NONE);
  }

  @AfterEach
  void close() {
    if (conn != null) conn.close();
  }

  private void runInfer() throws Exception {
    conn.submit("/infer", Arguments.named(Map.of("prompt", "a cat")), JobListener.NONE, false)
        .result()
        .get(10, TimeUnit.SECONDS);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private int lastJoinFnIndex() throws Exception {
    RecordedRequest join =
        space.requests.stream()
            .filter(r -> r.getUrl().encodedPath().equals("/gradio_api/queue/join"))
            .reduce((a, b) -> b)
            .orElseThrow();
    return Json.parse(join.getBody().utf8()).get("fn_index").asInt();
  }

  @Test
  void restartedAppIsNoticedAfterIdleAndTheNewFnIndexIsUsed() throws Exception {
    runInfer();
    assertThat(lastJoinFnIndex()).isEqualTo(0);

    // The app restarts with its endpoints renumbered.
    String restarted =
        FakeSpace.CONFIG
            .replace("\"app_id\":1234", "\"app_id\":5678")
            .replace("{\"id\":0,\"inputs\":[1,2,3]", "{\"id\":7,\"inputs\":[1,2,3]");
    space.routes.put("/config", r -> FakeSpace.json(200, restarted));
    space.routes.put(APP_ID, r -> FakeSpace.json(200, "{\"app_id\":5678}"));
    advance(Duration.ofMinutes(6));

    runInfer();

    assertThat(space.count(APP_ID)).isEqualTo(1);
    assertThat(space.count("/config")).isEqualTo(2);
    assertThat(space.count("/gradio_api/info")).isEqualTo(2);
    assertThat(lastJoinFnIndex()).isEqualTo(7);
    assertThat(conn.app().appId()).isEqualTo("5678");
    // The join went out once: no 404 round trip was needed.
    assertThat(space.joins.get()).isEqualTo(2);
  }

  @Test
  void unchangedAppCostsOneRequestAfterIdleAndNoneInSteadyState() throws Exception {
    runInfer();
    int steadyBefore = space.requests.size();
    advance(Duration.ofMinutes(4));
    runInfer();
    int steady = space.requests.size() - steadyBefore;
    assertThat(space.count(APP_ID)).isZero();

    advance(Duration.ofMinutes(5).plusSeconds(1));
    int idleBefore = space.requests.size();
    runInfer();
    int afterIdle = space.requests.size() - idleBefore;

    assertThat(space.count(APP_ID)).isEqualTo(1);
    assertThat(afterIdle).isEqualTo(steady + 1);
    assertThat(space.count("/config")).isEqualTo(1);
    assertThat(lastJoinFnIndex()).isEqualTo(0);

    // Right after, steady state again.
    advance(Duration.ofSeconds(30));
    runInfer();
    assertThat(space.count(APP_ID)).isEqualTo(1);
  }
}
