package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.HostPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host policy on the wire: a trap server on loopback addresses that no app uses must never see
 * a request, whatever URL, redirect, resolved name or {@code api_prefix} points there.
 */
class HostPolicyConnectTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final MockWebServer trap = new MockWebServer();
  private final MockWebServer trap6 = new MockWebServer();
  private final FakeSpace space = new FakeSpace();
  private GradioClient client;

  @BeforeEach
  void startTraps() throws IOException {
    trap.start(InetAddress.getByName("127.0.0.9"), 0);
    trap6.start(InetAddress.getByName("::1"), 0);
    server.setDispatcher(space);
  }

  @AfterEach
  void stop() {
    if (client != null) client.close();
    trap.close();
    trap6.close();
  }

  private String trapUrl() {
    return "http://127.0.0.9:" + trap.getPort();
  }

  private String appUrl() {
    return server.url("/").toString();
  }

  /** Strict, allowing the fake app's origin only, with a Hub that never answers. */
  private GradioOptions strict() {
    return GradioOptions.builder()
        .hubUrl("http://127.0.0.1:9")
        .hostPolicy(HostPolicy.strict().allowing(List.of(appUrl())))
        .build();
  }

  private static FailureCode codeOf(Supplier<GradioClient> connect) {
    try {
      connect.get().close();
    } catch (GradioException e) {
      return e.failure().code();
    }
    throw new AssertionError("connected");
  }

  private void assertTrapsUntouched() {
    assertThat(trap.getRequestCount()).isZero();
    assertThat(trap6.getRequestCount()).isZero();
  }

  @Test
  void internalAddressesAreRefusedBeforeAnyRequest() {
    for (String url :
        List.of(
            trapUrl(),
            trapUrl() + "/",
            "http://[::1]:" + trap6.getPort(),
            "http://127.0.0.1:" + server.getPort() + "@127.0.0.9:" + trap.getPort() + "/",
            "http://2130706441:" + trap.getPort() + "/",
            "http://0177.0.0.9:" + trap.getPort() + "/",
            "http://127.0.0.9.:" + trap.getPort() + "/",
            "http://[::ffff:127.0.0.9]:" + trap.getPort() + "/")) {
      assertThat(codeOf(() -> GradioClient.connect(url, strict())))
          .as(url)
          .isEqualTo(FailureCode.HOST_REFUSED);
    }
    assertTrapsUntouched();
    assertThat(space.requests).isEmpty();
  }

  @Test
  void anAllowedAppThatRedirectsToAnInternalAddressIsNotFollowed() {
    space.routes.put(
        "/config",
        r ->
            new MockResponse.Builder()
                .code(302)
                .addHeader("Location", trapUrl() + "/config")
                .build());
    assertThat(codeOf(() -> GradioClient.connect(appUrl(), strict())))
        .isEqualTo(FailureCode.HOST_REFUSED);
    assertTrapsUntouched();
    assertThat(space.count("/config")).isEqualTo(1);
  }

  @Test
  void anOpenPolicyTrustsTheChosenAppButNotWhereItRedirects() {
    space.routes.put(
        "/config",
        r ->
            new MockResponse.Builder()
                .code(307)
                .addHeader("Location", "http://[::1]:" + trap6.getPort() + "/config")
                .build());
    GradioOptions options = GradioOptions.builder().hubUrl("http://127.0.0.1:9").build();
    assertThat(codeOf(() -> GradioClient.connect(appUrl(), options)))
        .isEqualTo(FailureCode.HOST_REFUSED);
    assertTrapsUntouched();
  }

  @Test
  void aNameThatResolvesToAnInternalAddressIsRefused() throws Exception {
    space.routes.put(
        "/config",
        r ->
            new MockResponse.Builder()
                .code(302)
                .addHeader("Location", "http://rebind.example:" + trap.getPort() + "/config")
                .build());
    OkHttpClient rebinding =
        new OkHttpClient.Builder()
            .dns(
                host ->
                    host.equals("rebind.example")
                        ? List.of(InetAddress.getByName("127.0.0.9"))
                        : okhttp3.Dns.SYSTEM.lookup(host))
            .build();
    GradioOptions options =
        GradioOptions.builder()
            .hubUrl("http://127.0.0.1:9")
            .httpClient(rebinding)
            .hostPolicy(HostPolicy.open())
            .build();
    assertThat(codeOf(() -> GradioClient.connect(appUrl(), options)))
        .isEqualTo(FailureCode.HOST_REFUSED);
    assertTrapsUntouched();
  }

  @Test
  void aHubAnswerNamingAnInternalHostIsRefusedByAStrictPolicy() {
    space.routes.put(
        "/api/spaces/owner/evil/host",
        r -> FakeSpace.json(200, "{\"host\":\"" + trapUrl() + "\"}"));
    GradioOptions options =
        GradioOptions.builder()
            .hubUrl(appUrl())
            .hostPolicy(HostPolicy.strict())
            .wakeTimeout(Duration.ofSeconds(5))
            .build();
    assertThat(codeOf(() -> GradioClient.connect("owner/evil", options)))
        .isEqualTo(FailureCode.HOST_REFUSED);
    assertTrapsUntouched();
  }

  @Test
  void anApiPrefixThatIsNotAPlainPathIsRefused() {
    String config =
        FakeSpace.CONFIG.replace(
            "\"api_prefix\":\"/gradio_api\"",
            "\"api_prefix\":\"@127.0.0.9:" + trap.getPort() + "/gradio_api\"");
    space.routes.put("/config", r -> FakeSpace.json(200, config));
    assertThat(codeOf(() -> GradioClient.connect(appUrl(), strict())))
        .isEqualTo(FailureCode.PROTOCOL_ERROR);
    assertTrapsUntouched();
  }

  @Test
  void theTokenIsNeverSentToAnHfSpaceHostOverHttp() throws Exception {
    OkHttpClient loopback =
        new OkHttpClient.Builder()
            .dns(host -> List.of(InetAddress.getByName(server.getHostName())))
            .build();
    String url = "http://owner-app.hf.space:" + server.getPort() + "/";
    GradioOptions options =
        GradioOptions.builder()
            .httpClient(loopback)
            .hfToken("hf_secret")
            .hostPolicy(HostPolicy.strict().allowing(List.of(url)))
            .build();
    client = GradioClient.connect(url, options);
    client
        .submit("/infer", Map.of("prompt", "x"), new RecordingListener())
        .result()
        .get(10, TimeUnit.SECONDS);
    assertThat(space.requests).hasSize(4);
    for (var r : space.requests) {
      assertThat(r.getHeaders().get("X-HF-Authorization")).isNull();
      assertThat(r.getHeaders().get("Authorization")).isNull();
    }
  }

  @Test
  void aDownloadHasAnOverallDeadline() {
    byte[] body = new byte[64 * 1024];
    space.routes.put(
        "/gradio_api/file=slow.png",
        r ->
            new MockResponse.Builder()
                .body(new okio.Buffer().write(body))
                .throttleBody(1024, 100, TimeUnit.MILLISECONDS)
                .build());
    client =
        GradioClient.connect(
            appUrl(), strict().toBuilder().downloadTimeout(Duration.ofMillis(500)).build());
    FileRef file = new FileRef(appUrl() + "gradio_api/file=slow.png", "slow.png", null, null, null);
    try {
      client.download(file, 1 << 20);
      throw new AssertionError("downloaded");
    } catch (GradioException e) {
      assertThat(e.failure().code()).isEqualTo(FailureCode.TIMEOUT);
    }
  }
}
