package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.gradio.testing.GradioTestServer;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over the Bot API stand-in, with the real core and real Gradio apps: {@code /addmodel} of internal
 * and redirecting addresses never reaches the loopback trap servers, and a prompt the Space rejects
 * leaves another user's job on that Space running to the end.
 */
class TelegramSpaceBoundariesTest {
  static final long ADMIN = 3001;
  static final long OTHER = 3002;
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  @StartStop final MockWebServer redirector = new MockWebServer();
  private final MockWebServer trap = new MockWebServer();
  private final MockWebServer trap6 = new MockWebServer();
  private GradioTestServer gradio;
  private FakeTelegramBotApi api;
  private Bot bot;
  private TelegramFrontEnd telegram;

  @BeforeEach
  void start() throws IOException {
    trap.start(InetAddress.getByName("127.0.0.9"), 0);
    trap6.start(InetAddress.getByName("::1"), 0);
    redirector.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "http://127.0.0.9:" + trap.getPort() + "/config")
            .build());
    gradio = GradioTestServer.shared(GradioTestServer.latest());
    api = new FakeTelegramBotApi("ImagineBot");
    bot = Bot.start(config());
    telegram = TelegramFrontEnd.start(api.config(), bot);
  }

  @AfterEach
  void stop() {
    for (long chat : List.of(ADMIN, OTHER)) {
      api.chatLog(chat).forEach(m -> System.out.println("chat " + chat + ": " + m));
    }
    if (telegram != null) telegram.close();
    if (bot != null) bot.close();
    api.close();
    trap.close();
    trap6.close();
  }

  private CoreConfig config() {
    return new CoreConfig(
        dir,
        null,
        List.of(
            new ModelConfig(
                "picky", "Picky", List.of(BackendConfig.discover(gradio.url("picky"))))),
        "picky",
        Set.of("telegram:" + ADMIN),
        new Limits(1, 5, 4, 1000, 25L * 1024 * 1024),
        Duration.ofMillis(100),
        "en",
        new GradioSettings(
                null,
                // Never the real Hub: every Space here is a loopback URL.
                "http://127.0.0.1:9",
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofHours(6))
            .withAllowedHosts(List.of(redirector.url("/").toString())));
  }

  private ChatMessage awaitReply(long chat, int command) {
    return awaitBotMessage(chat, m -> m.replyTo != null && m.replyTo == command);
  }

  private ChatMessage awaitBotMessage(long chatId, Predicate<ChatMessage> which) {
    return await()
        .atMost(WAIT)
        .until(
            () -> api.botMessages(chatId).stream().filter(which).findFirst().orElse(null),
            m -> m != null);
  }

  @Test
  void addModelOfInternalOrRedirectingAddressesNeverReachesTheTrap() {
    String port = String.valueOf(trap.getPort());
    for (String url :
        List.of(
            "http://127.0.0.9:" + port,
            "http://[::1]:" + trap6.getPort(),
            "http://127.0.0.1:" + gradio.port() + "@127.0.0.9:" + port + "/",
            redirector.url("/").toString())) {
      int command = api.send(ADMIN, ADMIN, "/addmodel evil " + url);
      // The Space is read off the update threads: "working on it" first, then the answer.
      ChatMessage answer = awaitReply(ADMIN, command);
      String working = bot.text("en", "cmd.addmodel.working");
      await().atMost(WAIT).until(() -> !answer.text().equals(working));
      String text = answer.text();
      assertThat(text).as(url).contains("The bot may not reach ").contains("(ref ");
      assertThat(text).as(url).doesNotContain("HOST_REFUSED").doesNotContain("CONNECTION_LOST");
    }
    int models = api.send(ADMIN, ADMIN, "/models");
    assertThat(awaitReply(ADMIN, models).text()).contains("picky").doesNotContain("evil");
    assertThat(redirector.getRequestCount()).isEqualTo(1);
    assertThat(trap.getRequestCount()).isZero();
    assertThat(trap6.getRequestCount()).isZero();
  }

  @Test
  void aRejectedPromptLeavesAnotherUsersJobOnTheSameSpaceRunning() {
    String key = "telegram-" + System.nanoTime();
    int held = api.send(ADMIN, ADMIN, "/imagine hold " + key + " a quiet lake");
    ChatMessage status = awaitReply(ADMIN, held);
    // On the Space: past the bot's own queue.
    await().atMost(WAIT).until(() -> status.text().startsWith("Generating"));

    long before = gradio.requestCount("picky");
    int rejected = api.send(OTHER, OTHER, "/imagine a forbidden thing");
    ChatMessage other = awaitReply(OTHER, rejected);
    await().atMost(WAIT).until(() -> other.text().contains("did not accept"));
    assertThat(other.text()).contains("That prompt is not allowed here.");
    // The rejection re-reads the Space's config and API: the join, then two requests.
    await().atMost(WAIT).until(() -> gradio.requestCount("picky") >= before + 3);

    gradio.release(key);
    await().atMost(WAIT).until(() -> status.text().startsWith("Done: \"hold " + key));
  }
}
