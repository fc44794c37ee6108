package dev.imaginebot.gradio.contract;

import static dev.imaginebot.gradio.contract.Contract.completed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.Prediction;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How many requests a job costs, read from {@link GradioClient#requestCount()}.
 *
 * <p>The tight figures per protocol, for one job at a time after a warm-up job:
 *
 * <ul>
 *   <li>{@code sse_v1} to {@code sse_v3} (4.9+): one {@code POST queue/join}, one {@code GET
 *       queue/data} and one file GET per image. The stream GET is unavoidable here: the server ends
 *       the session's stream after the last pending job completes (v3 says so with {@code
 *       close_stream}, v1 to v2.1 just end the response), so the next lone job must reopen it. Only
 *       jobs that overlap share a stream, see {@link #overlappingJobsShareOneStream(String)}.
 *   <li>{@code ws} (3.x): one websocket per job, and no file GET for {@code gr.Image}: 3.x sends
 *       the image inline as a base64 data URL, decoded locally. Gallery images are files.
 * </ul>
 *
 * <p>Config and {@code /info} are cached per client, so they are not part of a warm job.
 */
class RequestCountContractTest {

  private static boolean websocket(String version) {
    return !Contract.atLeast(version, "4.0");
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void warmImageJobCostsOneJoinOneStreamAndOneGetPerImage(String version) throws Exception {
    try (GradioClient client =
        GradioClient.connect(
            GradioTestServer.shared(version).url("flux"), GradioOptions.defaults())) {
      runFlux(client, version, 1);
      long cold = client.requestCount();
      // Cold: config + info + the job's own requests; nothing else (no heartbeat for a stateless
      // endpoint, no Hub calls for a local URL).
      assertThat(cold).isLessThanOrEqualTo(websocket(version) ? 3 : 5);

      long warm = runFlux(client, version, 2);
      assertThat(warm).isEqualTo(websocket(version) ? 1 : 3);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void warmGalleryJobCostsOneGetPerImage(String version) throws Exception {
    try (GradioClient client =
        GradioClient.connect(
            GradioTestServer.shared(version).url("mj"), GradioOptions.defaults())) {
      runMj(client, version, 1);
      long warm = runMj(client, version, 2);
      assertThat(warm).isEqualTo(websocket(version) ? 1 + 2 : 2 + 2);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void overlappingJobsShareOneStream(String version) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    String key = UUID.randomUUID().toString();
    try (GradioClient client =
        GradioClient.connect(server.url("queue"), GradioOptions.defaults())) {
      server.release("warm-" + key);
      Recorder warmUp = new Recorder();
      client.submit("/hold", Arguments.positional("warm-" + key, 60), warmUp);
      completed(warmUp.terminal());

      long before = client.requestCount();
      Recorder first = new Recorder();
      Recorder second = new Recorder();
      client.submit("/hold", Arguments.positional(key, 60), first);
      first.until(e -> e instanceof Event.Started);
      client.submit("/hold", Arguments.positional(key, 60), second);
      second.until(e -> e instanceof Event.Queued);
      server.release(key);
      completed(first.terminal());
      completed(second.terminal());

      // sse: two joins over one stream; ws: one socket per job.
      assertThat(client.requestCount() - before).isEqualTo(websocket(version) ? 2 : 3);
    } finally {
      server.release(key);
    }
  }

  private static long runFlux(GradioClient client, String version, int seed) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    long before = client.requestCount();
    long serverBefore = server.requestCount("flux");
    Recorder events = new Recorder();
    client.submit(
        "/infer", ImageEndpointsContractTest.flux(version, "count me", seed, 256, 256), events);
    Prediction prediction = completed(events.terminal());
    assertThat(prediction.files()).hasSize(1);
    for (FileRef file : prediction.files()) {
      assertThat(client.download(file, Contract.MAX_BYTES)).isNotEmpty();
    }
    return counted(client, before, server, serverBefore, "flux");
  }

  private static long runMj(GradioClient client, String version, int seed) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    long before = client.requestCount();
    long serverBefore = server.requestCount("mj");
    Recorder events = new Recorder();
    client.submit("/run", ImageEndpointsContractTest.mj(version, "count me", seed), events);
    Prediction prediction = completed(events.terminal());
    assertThat(prediction.files()).hasSize(2);
    for (FileRef file : prediction.files()) {
      assertThat(client.download(file, Contract.MAX_BYTES)).isNotEmpty();
    }
    return counted(client, before, server, serverBefore, "mj");
  }

  /**
   * The requests a job cost by the client's own counter, checked against the server's count (the
   * server also sees requests that a client-side counter might miss, such as a reopened stream).
   */
  private static long counted(
      GradioClient client, long before, GradioTestServer server, long serverBefore, String app) {
    long ours = client.requestCount() - before;
    long seen = server.requestCount(app) - serverBefore;
    assertThat(ours).as("client-side count vs server-side count %d", seen).isEqualTo(seen);
    return ours;
  }
}
