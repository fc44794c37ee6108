package dev.imaginebot.gradio.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradioTestServerTest {

  private static final List<String> APPS =
      List.of(
          "flux", "mj", "progress", "queue", "stream", "error", "state", "unnamed", "zero", "echo");

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void pinsTheReleasesNewestFirst() {
    assertThat(GradioTestServer.latest()).isEqualTo("6.31.0");
    assertThat(GradioTestServer.versions()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void servesEveryAppOfTheRelease(String version) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);

    assertThat(server.version()).isEqualTo(version);
    assertThat(GradioTestServer.shared(version)).isSameAs(server);
    assertThat(server.python()).isExecutable();
    assertThat(server.url("flux")).matches("http://127\\.0\\.0\\.1:\\d+/flux");
    for (String app : APPS) {
      HttpResponse<String> config = get(server.url(app) + "/config");
      assertThat(config.statusCode()).as(app).isEqualTo(200);
      assertThat(config.body()).as(app).contains("\"version\":\"" + version + "\"");
    }
    assertThat(get(server.url("auth") + "/config").statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> get(String url) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
