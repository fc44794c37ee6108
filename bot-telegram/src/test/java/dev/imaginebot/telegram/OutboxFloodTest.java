package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * The outbox against the stand-in's own flood limits (Telegram's: about one message a second per
 * private chat, thirty a second overall): every refused call waits for its {@code retry_after} and
 * goes out, in order, and nothing is lost.
 */
class OutboxFloodTest {
  static final long USER = 8001;

  final FakeTelegramBotApi api = new FakeTelegramBotApi("ImagineBot");
  final OkHttpClient http = new OkHttpClient();
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  final Outbox outbox =
      new Outbox(
          new TelegramApi(
              new OkHttpTelegramClient(
                  http,
                  FakeTelegramBotApi.TOKEN,
                  new TelegramUrl("http", api.config().apiHost(), api.config().apiPort(), false)),
              FakeTelegramBotApi.TOKEN),
          scheduler,
          Clock.systemUTC(),
          Duration.ZERO,
          Duration.ZERO);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    api.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private CompletableFuture<Integer> send(long chat, String text) {
    CompletableFuture<Integer> sent = new CompletableFuture<>();
    outbox.submit(chat, Steps.sendMessage(chat, null, text, null, sent));
    return sent;
  }

  @Test
  void messagesFasterThanAPrivateChatTakesWaitForRetryAfterAndKeepTheirOrder() throws Exception {
    api.start(USER);
    List<CompletableFuture<Integer>> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) sent.add(send(USER, "part " + i));

    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    assertThat(api.botMessages(USER))
        .extracting(FakeTelegramBotApi.ChatMessage::text)
        .containsExactly("part 0", "part 1", "part 2");
    List<FakeTelegramBotApi.ApiCall> calls = api.calls("sendMessage");
    assertThat(calls).filteredOn(c -> c.status() == 429).isNotEmpty();
    // Each accepted message came at least the limit's second after the one before.
    List<FakeTelegramBotApi.ApiCall> accepted =
        calls.stream().filter(c -> c.status() == 200).toList();
    for (int i = 1; i < accepted.size(); i++) {
      assertThat(Duration.between(accepted.get(i - 1).at(), accepted.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
  }

  @Test
  void aBurstToManyChatsAboveTheOverallLimitAllArrives() throws Exception {
    List<CompletableFuture<Integer>> sent =
        IntStream.rangeClosed(1, 40).mapToObj(chat -> send(-chat, "hello " + chat)).toList();

    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    for (long chat = 1; chat <= 40; chat++) {
      assertThat(api.botMessages(-chat))
          .extracting(FakeTelegramBotApi.ChatMessage::text)
          .containsExactly("hello " + chat);
    }
    assertThat(api.calls("sendMessage")).filteredOn(c -> c.status() == 429).isNotEmpty();
  }
}
