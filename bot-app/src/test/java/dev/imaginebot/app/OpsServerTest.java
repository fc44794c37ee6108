package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.discord.DiscordFrontEnd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /healthz}: a JSON report, 200 only while the bot is up and its database answers. */
class OpsServerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final Metrics metrics = new Metrics("bot-1");
  OpsServer ops;

  @AfterEach
  void stop() {
    if (ops != null) ops.close();
    metrics.close();
  }

  private URI start(Supplier<HealthReport> health) throws IOException {
    ops = OpsServer.start("127.0.0.1", 0, metrics, health);
    return URI.create("http://127.0.0.1:" + ops.port() + "/healthz");
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthyReportsWhatThisInstanceHolds() throws Exception {
    HealthReport report =
        new HealthReport(
            true,
            "bot-1",
            true,
            new HealthReport.Telegram("polling", true),
            new HealthReport.Discord(
                List.of(
                    new DiscordFrontEnd.Shard(0, "CONNECTED"),
                    new DiscordFrontEnd.Shard(1, "WAITING_TO_RECONNECT")),
                4));

    HttpResponse<String> response = get(start(() -> report));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(
            JSON.readTree(
                """
                {"status":"ok","instance":"bot-1","database":"ok",
                 "telegram":{"mode":"polling","poller":true},
                 "discord":{"shards":[{"id":0,"status":"CONNECTED"},
                                      {"id":1,"status":"WAITING_TO_RECONNECT"}],"total":4}}
                """));
  }

  @Test
  void startingIsUnavailableAndSaysWhichPartFailed() throws Exception {
    HttpResponse<String> response =
        get(start(() -> HealthReport.check(false, "bot-1", null, List.of())));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(
            JSON.readTree(
                """
                {"status":"unavailable","failed":["bot","database"],"instance":"bot-1",
                 "database":"unknown"}
                """));
  }

  @Test
  void headAnswersTheStatusWithoutABody() throws Exception {
    AtomicReference<HealthReport> report =
        new AtomicReference<>(new HealthReport(true, "bot-1", true, null, null));
    URI uri = start(report::get);
    HttpRequest head =
        HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();

    HttpResponse<String> up = http.send(head, HttpResponse.BodyHandlers.ofString());
    report.set(new HealthReport(true, "bot-1", false, null, null));
    HttpResponse<String> down = http.send(head, HttpResponse.BodyHandlers.ofString());

    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(up.body()).isEmpty();
    assertThat(down.body()).isEmpty();
  }

  @Test
  void aDatabaseThatIsGoneTurnsTheAnswerTo503() throws Exception {
    // The core's URL opens the in-memory database only while it exists: once shut down, the pool
    // cannot reconnect (as to a database server that went away).
    String name = "health-" + System.nanoTime();
    try (Connection keeper = DriverManager.getConnection("jdbc:h2:mem:" + name);
        Bot bot = Bot.start(config("jdbc:h2:mem:" + name + ";IFEXISTS=TRUE"))) {
      URI uri = start(() -> HealthReport.check(true, "bot-1", bot, List.of()));
      HttpResponse<String> before = get(uri);
      assertThat(before.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(before.body()).get("database").asText()).isEqualTo("ok");

      shutDown(keeper);

      HttpResponse<String> after = get(uri);
      assertThat(after.statusCode()).isEqualTo(503);
      JsonNode body = JSON.readTree(after.body());
      assertThat(body.get("status").asText()).isEqualTo("unavailable");
      assertThat(body.get("database").asText()).isEqualTo("unavailable");
      assertThat(body.get("failed")).containsExactly(JSON.getNodeFactory().textNode("database"));
    }
  }

  private static void shutDown(Connection h2) throws SQLException {
    try (Statement s = h2.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }

  private CoreConfig config(String jdbcUrl) {
    // No Space is asked here; an unreachable one keeps the config valid.
    return new CoreConfig(
        dir,
        jdbcUrl,
        List.of(
            new ModelConfig(
                "flux", "FLUX", List.of(BackendConfig.discover("http://127.0.0.1:9/")))),
        "flux",
        Set.of(),
        new Limits(1, 5, 1, 1000, 25L * 1024 * 1024),
        Duration.ofMillis(200),
        "en",
        GradioSettings.defaults());
  }
}
