package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} with a Telegram token against a stand-in Bot API: the bot starts, answers /healthz
 * (JSON, as the Telegram poller) and /metrics, never logs the token, and stops cleanly on SIGTERM.
 */
class RunIT {
  private static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private HttpServer telegram;
  private ExecutorService executor;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopHolding = new CountDownLatch(1);

  @BeforeEach
  void fakeTelegram() throws IOException {
    telegram = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    executor = Executors.newCachedThreadPool();
    telegram.setExecutor(executor);
    telegram.createContext("/", this::answer);
    telegram.start();
  }

  @AfterEach
  void stop() {
    stopHolding.countDown();
    telegram.stop(0);
    executor.shutdownNow();
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    exchange.getRequestBody().readAllBytes();
    String method = path.substring(path.lastIndexOf('/') + 1);
    calls.add(path);
    String result;
    switch (method.toLowerCase(java.util.Locale.ROOT)) {
      case "getme":
        result =
            "{\"id\":123456789,\"is_bot\":true,\"first_name\":\"Imagine\","
                + "\"username\":\"imagine_test_bot\"}";
        break;
      case "getupdates":
        // Hold the long poll like Telegram does, until the test ends or a second passes.
        try {
          stopHolding.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        result = "[]";
        break;
      default:
        result = "true";
    }
    byte[] body = ("{\"ok\":true,\"result\":" + result + "}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void runsOnTelegramServesHealthAndMetricsAndStopsOnSigterm() throws Exception {
    String flux = GradioTestServer.shared(GradioTestServer.latest()).url("flux");
    Files.writeString(
        dir.resolve("config.yml"),
        "telegram:\n  api-url: http://127.0.0.1:"
            + telegram.getAddress().getPort()
            + "\ndefault-model: local\nmodels:\n  - alias: local\n    space: "
            + flux
            + "\ntimeouts:\n  shutdown: 10s\n");
    int port = freePort();
    HttpClient http = HttpClient.newHttpClient();
    try (JarProcess jar =
        JarProcess.start(
            dir, Map.of("TELEGRAM_TOKEN", TOKEN), "run", "--http-port", String.valueOf(port))) {
      jar.awaitOut(l -> l.contains("imagine-bot is running (Telegram)"), WAIT);
      assertThat(calls)
          .anySatisfy(c -> assertThat(c).isEqualToIgnoringCase("/bot" + TOKEN + "/getMe"));

      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      // Alone on H2 the poller role is granted at once; the body never holds the token.
      assertThat(health.body())
          .contains("\"status\":\"ok\"", "\"database\":\"ok\"")
          .contains("\"telegram\":{\"mode\":\"polling\",\"poller\":true}")
          .doesNotContain(TOKEN);
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .containsPattern("imaginebot_up\\{instance=\"[^\"]+\"\\} 1\\.0")
          .containsPattern("imaginebot_queue_length\\{instance=\"[^\"]+\"\\} 0\\.0")
          .contains("jvm_memory_used_bytes{");

      jar.terminate();
      jar.awaitErr(l -> l.contains("stopping: letting running jobs finish"), WAIT);
      jar.awaitErr(l -> l.contains("imagine-bot stopped"), WAIT);
      assertThat(jar.exitCode(WAIT)).isEqualTo(143);
      List<String> err = jar.err();
      assertThat(String.join("\n", err)).doesNotContain(TOKEN).doesNotContain("AAHdqTcv");
    }
  }
}
