package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import java.net.UnknownHostException;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** A Space whose host does not resolve fails at once instead of being "woken" until timeout. */
class UnreachableHostTest {
  @StartStop final MockWebServer hub = new MockWebServer();

  @Test
  void hostThatDoesNotResolveFailsFastAsUnreachable() {
    FakeSpace hubSpace = new FakeSpace();
    hub.setDispatcher(hubSpace);
    hubSpace.routes.put(
        "/api/spaces/owner/gone/host",
        r -> FakeSpace.json(200, "{\"host\":\"https://owner-gone.example.invalid\"}"));
    Dns onlyLoopback =
        host -> {
          if (host.endsWith(".invalid")) throw new UnknownHostException(host);
          return Dns.SYSTEM.lookup(host);
        };
    GradioOptions options =
        GradioOptions.builder()
            .hubUrl(hub.url("/").toString())
            .httpClient(new OkHttpClient.Builder().dns(onlyLoopback).build())
            // Far longer than the test's own timeout: only failing fast can pass.
            .wakeTimeout(Duration.ofMinutes(30))
            .build();
    assertThatThrownBy(() -> GradioClient.connect("owner/gone", options))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.failure().code())
                  .isEqualTo(FailureCode.UNREACHABLE);
              org.assertj.core.api.Assertions.assertThat(e.failure().message())
                  .contains("owner-gone.example.invalid")
                  .contains("host name did not resolve");
              org.assertj.core.api.Assertions.assertThat(e.failure().unreachable())
                  .contains(Failure.Unreachable.NAME_NOT_RESOLVED);
            });
  }

  @Test
  void refusedConnectionSaysSo() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/app";
    assertThatThrownBy(() -> GradioClient.connect(url, GradioOptions.defaults()))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.failure().code())
                  .isEqualTo(FailureCode.UNREACHABLE);
              org.assertj.core.api.Assertions.assertThat(e.failure().message())
                  .contains("127.0.0.1:" + port)
                  .contains("the connection was refused");
              org.assertj.core.api.Assertions.assertThat(e.failure().unreachable())
                  .contains(Failure.Unreachable.REFUSED);
            });
  }
}
