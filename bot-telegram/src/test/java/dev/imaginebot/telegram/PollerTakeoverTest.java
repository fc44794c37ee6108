package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.store.PostgresServer;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bot instances on one PostgreSQL database, both long-polling configured, against one {@link
 * FakeTelegramBotApi}: only the holder of the poller role calls {@code getUpdates}; when it stops
 * or loses its lock connection, the other takes over and handles the next update, and no update is
 * answered twice. The instances reach the fake under different host names, so the fake tells whose
 * {@code getUpdates} it got.
 */
class PollerTakeoverTest {
  static final long USER = 3001;
  static final String HOST_A = "127.0.0.1";
  static final String HOST_B = "localhost";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  String url;
  FakeTelegramBotApi api;
  Bot botA;
  Bot botB;
  TelegramFrontEnd telegramA;
  TelegramFrontEnd telegramB;

  @BeforeEach
  void start() {
    url = PostgresServer.shared().createDatabase();
    api = new FakeTelegramBotApi("ImagineBot");
    botA = Bot.start(config(dir.resolve("a")));
    telegramA = TelegramFrontEnd.start(api.config().withApi("http", HOST_A, api.port()), botA);
    await().atMost(WAIT).until(telegramA::polling);
    botB = Bot.start(config(dir.resolve("b")));
    telegramB = TelegramFrontEnd.start(api.config().withApi("http", HOST_B, api.port()), botB);
  }

  @AfterEach
  void stop() {
    api.chatLog(USER).forEach(m -> System.out.println("chat: " + m));
    for (AutoCloseable c : new AutoCloseable[] {telegramB, botB, telegramA, botA, api}) {
      try {
        if (c != null) c.close();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  private CoreConfig config(Path dataDir) {
    // No Space is asked in these tests (help only); an unreachable one keeps the config valid.
    return new CoreConfig(
        dataDir,
        url,
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

  /** The user asks for help and gets exactly one answer to that message. */
  private void helpIsAnsweredOnce() {
    int asked = api.send(USER, USER, "/help");
    await().atMost(WAIT).until(() -> !answersTo(asked).isEmpty());
    // A second answer would come from the other instance handling the same update again.
    await().during(Duration.ofMillis(700)).atMost(WAIT).until(() -> answersTo(asked).size() == 1);
  }

  private List<ChatMessage> answersTo(int messageId) {
    return api.botMessages(USER).stream()
        .filter(m -> m.replyTo != null && m.replyTo == messageId)
        .toList();
  }

  @Test
  void onlyOneInstancePollsAndTheStandbyTakesOverWhenThePollerStops() {
    await()
        .during(Duration.ofSeconds(1))
        .atMost(WAIT)
        .until(() -> telegramA.polling() && !telegramB.polling());
    helpIsAnsweredOnce();
    assertThat(api.polls(HOST_A)).isPositive();
    assertThat(api.polls(HOST_B)).as("the standby never polled").isZero();

    telegramA.close();
    telegramA = null;
    long pollsOfA = api.polls(HOST_A);

    await().atMost(WAIT).until(telegramB::polling);
    helpIsAnsweredOnce();
    assertThat(api.polls(HOST_B)).isPositive();
    assertThat(api.polls(HOST_A)).as("the stopped poller polled again").isEqualTo(pollsOfA);
  }

  @Test
  void aPollerThatLosesItsLockConnectionStopsAndTheStandbyTakesOver() throws Exception {
    await().atMost(WAIT).until(() -> telegramA.polling() && !telegramB.polling());
    helpIsAnsweredOnce();

    // The holder's lock session: the one not waiting for the lock.
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE application_name LIKE 'imagine-role:telegram-poller:%'"
              + " AND datname = current_database() AND wait_event_type IS DISTINCT FROM 'Lock'");
    }

    await().atMost(WAIT).until(() -> telegramB.polling() && !telegramA.polling());
    long pollsOfA = api.polls(HOST_A);
    helpIsAnsweredOnce();
    helpIsAnsweredOnce();
    assertThat(api.polls(HOST_A))
        .as("the poller that lost its lock polled again")
        .isEqualTo(pollsOfA);
    assertThat(api.polls(HOST_B)).isPositive();
  }
}
