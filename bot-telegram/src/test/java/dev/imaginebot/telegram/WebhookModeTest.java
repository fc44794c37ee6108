package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook mode: Telegram (here the test) POSTs updates to the bot's own HTTP server. */
class WebhookModeTest {
  static final long USER = 3001;
  static final String SECRET = "webhook-secret_42";

  final HttpClient http = HttpClient.newHttpClient();
  FakeTelegramBotApi api;
  FakeBot bot;
  TelegramFrontEnd telegram;
  URI hook;

  @BeforeEach
  void start() {
    api = new FakeTelegramBotApi("ImagineBot");
    bot = new FakeBot();
    telegram =
        TelegramFrontEnd.start(
            api.config()
                .withWebhook(
                    new TelegramConfig.Webhook(
                        "https://bot.example.test/telegram/hook", "127.0.0.1", 0, SECRET)),
            bot);
    hook = URI.create("http://127.0.0.1:" + telegram.webhookPort() + "/telegram/hook");
  }

  @AfterEach
  void stop() {
    telegram.close();
    api.close();
  }

  @Test
  void setsTheWebhookAndNeverPolls() {
    assertThat(api.webhook()).containsExactly("https://bot.example.test/telegram/hook", SECRET);
    assertThat(api.calls("getUpdates")).isEmpty();
    assertThat(api.calls("deleteWebhook")).isEmpty();
    assertThat(telegram.mode()).isEqualTo(TelegramConfig.Mode.WEBHOOK);
    assertThat(telegram.polling()).isFalse();
  }

  @Test
  void updatePostedWithTheSecretRunsTheCommand() throws Exception {
    HttpResponse<String> response = post(api.webhookUpdate(USER, USER, "/imagine a cat"), SECRET);

    assertThat(response.statusCode()).isEqualTo(200);
    FakeBot.Call call = bot.awaitCall();
    assertThat(call.name()).isEqualTo("imagine");
    assertThat(call.args()).isEqualTo("a cat");
    await().atMost(Duration.ofSeconds(10)).until(() -> api.botMessages(USER).size() == 1);
    ChatMessage status = api.botMessages(USER).get(0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> (USER + ":" + status.id).equals(bot.moved.get(call.jobId())));
  }

  @Test
  void updateWithoutTheSecretIsRefused() throws Exception {
    assertThat(post(api.webhookUpdate(USER, USER, "/imagine a cat"), "wrong").statusCode())
        .isEqualTo(403);
    assertThat(post(api.webhookUpdate(USER, USER, "/imagine a cat"), null).statusCode())
        .isEqualTo(403);
    assertThat(bot.pollCall(300)).isNull();
  }

  @Test
  void unreadableBodyIsABadRequest() throws Exception {
    assertThat(post("{not json", SECRET).statusCode()).isEqualTo(400);
    assertThat(bot.pollCall(100)).isNull();
  }

  private HttpResponse<String> post(String body, String secret) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(hook)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
