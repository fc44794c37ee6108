package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
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
}
