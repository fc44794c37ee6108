package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** The Bot API stand-in refuses what Telegram refuses, so the bot's tests can't pass by luck. */
class FakeTelegramBotApiTest {
  static final long USER = 7001;
  static final long GROUP = -700100;

  final FakeTelegramBotApi api = new FakeTelegramBotApi("ImagineBot");
  final OkHttpClient http = new OkHttpClient();
  final OkHttpTelegramClient client =
      new OkHttpTelegramClient(
          http,
          FakeTelegramBotApi.TOKEN,
          new TelegramUrl("http", api.config().apiHost(), api.config().apiPort(), false));

  @AfterEach
  void stop() {
    api.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private int refusal(SendMessage message) {
    try {
      client.execute(message);
    } catch (TelegramApiRequestException e) {
      return e.getErrorCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not refused");
  }

  private static SendMessage text(long chat, String text) {
    return SendMessage.builder().chatId(chat).text(text).build();
  }

  @Test
  void textOverFourThousandNinetySixCharactersIsRefused() throws Exception {
    assertThat(refusal(text(GROUP, "x".repeat(4097)))).isEqualTo(400);
    assertThat(client.execute(text(GROUP, "x".repeat(4096))).getMessageId()).isPositive();
  }

  @Test
  void callbackDataOverSixtyFourBytesIsRefused() {
    InlineKeyboardRow row = new InlineKeyboardRow();
    row.add(InlineKeyboardButton.builder().text("b").callbackData("é".repeat(33)).build());
    SendMessage message =
        SendMessage.builder()
            .chatId(GROUP)
            .text("hi")
            .replyMarkup(new InlineKeyboardMarkup(List.of(row)))
            .build();
    assertThat(refusal(message)).isEqualTo(400);
  }

  @Test
  void aUserWhoNeverStartedTheBotOrBlockedItCannotBeWritten() throws Exception {
    assertThat(refusal(text(USER, "hello"))).isEqualTo(403);
    api.start(USER);
    assertThat(client.execute(text(USER, "hello")).getMessageId()).isPositive();
    api.block(USER);
    assertThat(refusal(text(USER, "hello"))).isEqualTo(403);
  }

  @Test
  void aGroupTheBotWasRemovedFromCannotBeWritten() {
    api.kick(GROUP);
    assertThat(refusal(text(GROUP, "hello"))).isEqualTo(403);
  }

  @Test
  void onlyButtonsTheBotSentCanBePressedWithoutSayingSoExplicitly() throws Exception {
    InlineKeyboardRow row = new InlineKeyboardRow();
    row.add(InlineKeyboardButton.builder().text("b").callbackData("real:1").build());
    int id =
        client
            .execute(
                SendMessage.builder()
                    .chatId(GROUP)
                    .text("hi")
                    .replyMarkup(new InlineKeyboardMarkup(List.of(row)))
                    .build())
            .getMessageId();
    assertThat(api.press(GROUP, USER, id, "real:1")).isNotBlank();
    assertThatThrownBy(() -> api.press(GROUP, USER, id, "made:up"))
        .isInstanceOf(AssertionError.class);
    assertThat(api.pressCrafted(GROUP, USER, id, "made:up")).isNotBlank();
  }

  private TelegramApiRequestException refused(BotApiMethod<?> method) {
    try {
      client.execute(method);
    } catch (TelegramApiRequestException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not refused");
  }

  @Test
  void aSecondMessageWithinASecondToOnePrivateChatGetsRetryAfter() throws Exception {
    FakeTelegramBotApi.ManualClock clock = new FakeTelegramBotApi.ManualClock(Instant.EPOCH);
    api.clock(clock);
    api.start(USER);
    assertThat(client.execute(text(USER, "one")).getMessageId()).isPositive();
    TelegramApiRequestException flooded = refused(text(USER, "two"));
    assertThat(flooded.getErrorCode()).isEqualTo(429);
    assertThat(flooded.getParameters().getRetryAfter()).isEqualTo(1);
    // Another chat is not held up by this one.
    assertThat(client.execute(text(GROUP, "elsewhere")).getMessageId()).isPositive();
    clock.advance(Duration.ofSeconds(1));
    assertThat(client.execute(text(USER, "two")).getMessageId()).isPositive();
  }

  @Test
  void aGroupTakesTwentyMessagesAMinute() throws Exception {
    FakeTelegramBotApi.ManualClock clock = new FakeTelegramBotApi.ManualClock(Instant.EPOCH);
    api.clock(clock);
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(1));
      client.execute(text(GROUP, "m" + i));
    }
    TelegramApiRequestException flooded = refused(text(GROUP, "m20"));
    assertThat(flooded.getErrorCode()).isEqualTo(429);
    // The first of the twenty was sent at second 1, now is second 20: it leaves the window at 61.
    assertThat(flooded.getParameters().getRetryAfter()).isEqualTo(41);
    clock.advance(Duration.ofSeconds(41));
    assertThat(client.execute(text(GROUP, "m20")).getMessageId()).isPositive();
  }

  @Test
  void thirtyMessagesASecondOverall() throws Exception {
    api.clock(new FakeTelegramBotApi.ManualClock(Instant.EPOCH));
    for (long chat = 1; chat <= 30; chat++) client.execute(text(-chat, "hi"));
    assertThat(refused(text(-31, "hi")).getErrorCode()).isEqualTo(429);
    assertThat(api.calls("sendMessage")).filteredOn(c -> c.status() == 429).hasSize(1);
  }

  @Test
  void editsAreNotCountedAndLimitsCanBeLiftedForOtherTests() throws Exception {
    api.clock(new FakeTelegramBotApi.ManualClock(Instant.EPOCH));
    int id = client.execute(text(GROUP, "v0")).getMessageId();
    for (int i = 1; i <= 25; i++) {
      client.execute(EditMessageText.builder().chatId(GROUP).messageId(id).text("v" + i).build());
    }
    api.floodLimits(FakeTelegramBotApi.FloodLimits.NONE);
    for (int i = 0; i < 40; i++) client.execute(text(GROUP, "m" + i));
    assertThat(api.calls()).noneMatch(c -> c.status() == 429);
  }

  @Test
  void aSecondPollerEndsTheFirstWithConflict() throws Exception {
    CompletableFuture<Integer> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                client.execute(GetUpdates.builder().timeout(20).build());
                return 200;
              } catch (TelegramApiRequestException e) {
                return e.getErrorCode();
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    // The first is held once the fake has seen it.
    await().atMost(Duration.ofSeconds(10)).until(() -> api.requestPaths().size() == 1);
    CompletableFuture<Integer> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                client.execute(GetUpdates.builder().timeout(0).build());
                return 200;
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(409);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(api.calls("getUpdates"))
        .filteredOn(c -> c.status() == 409)
        .extracting(FakeTelegramBotApi.ApiCall::description)
        .containsExactly(
            "Conflict: terminated by other getUpdates request; make sure that only one bot"
                + " instance is running");
  }

  @Test
  void getUpdatesWhileAWebhookIsSetIsAConflict() throws Exception {
    client.execute(SetWebhook.builder().url("https://bot.example/hook").build());
    assertThat(refused(GetUpdates.builder().timeout(0).build()).getErrorCode()).isEqualTo(409);
    client.execute(new DeleteWebhook());
    assertThat(client.execute(GetUpdates.builder().timeout(0).build())).isEmpty();
  }

  @Test
  void anUpgradedGroupAnswersWithItsNewId() throws Exception {
    int before = client.execute(text(GROUP, "before")).getMessageId();
    api.migrate(GROUP, GROUP * 10);
    TelegramApiRequestException moved = refused(text(GROUP, "after"));
    assertThat(moved.getErrorCode()).isEqualTo(400);
    assertThat(moved.getParameters().getMigrateToChatId()).isEqualTo(GROUP * 10);
    assertThat(
            refused(EditMessageText.builder().chatId(GROUP).messageId(before).text("x").build())
                .getParameters()
                .getMigrateToChatId())
        .isEqualTo(GROUP * 10);
    assertThat(client.execute(text(GROUP * 10, "after")).getMessageId()).isPositive();
  }
}
