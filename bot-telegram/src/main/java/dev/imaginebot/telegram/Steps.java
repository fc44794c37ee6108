package dev.imaginebot.telegram;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;

/** The simple outbox steps: send a text message, delete one, show a chat action. */
final class Steps {
  private Steps() {}

  /** Reply to a message if it is still there; send anyway if it is gone. */
  static ReplyParameters replyTo(Integer messageId) {
    if (messageId == null) return null;
    return ReplyParameters.builder().messageId(messageId).allowSendingWithoutReply(true).build();
  }

  /** Sends a text message; {@code sent} completes with its id, or exceptionally. */
  static Step sendMessage(
      long chatId,
      Integer replyTo,
      String text,
      InlineKeyboardMarkup markup,
      CompletableFuture<Integer> sent) {
    return new Step() {
      @Override
      List<Step> run(TelegramApi api) {
        Message m =
            api.call(
                SendMessage.builder()
                    .chatId(chatId)
                    .text(Texts.message(text))
                    .replyParameters(Steps.replyTo(replyTo))
                    .replyMarkup(markup)
                    .build());
        sent.complete(m.getMessageId());
        return List.of();
      }

      @Override
      String method() {
        return SendMessage.PATH;
      }

      @Override
      List<Step> failed(ApiFailure failure) {
        sent.completeExceptionally(failure);
        return List.of();
      }
    };
  }

  static Step deleteMessage(long chatId, int messageId) {
    return fireAndForget(new DeleteMessage(Long.toString(chatId), messageId));
  }

  static Step chatAction(long chatId, String action) {
    return fireAndForget(new SendChatAction(Long.toString(chatId), action));
  }

  /**
   * A step that calls nothing and completes {@code done} when its turn comes: in a chat's FIFO
   * queue, that is once every step queued before it ran (or failed for good).
   */
  static Step marker(CompletableFuture<Void> done) {
    return new Step() {
      @Override
      List<Step> run(TelegramApi api) {
        done.complete(null);
        return List.of();
      }

      @Override
      List<Step> failed(ApiFailure failure) {
        done.complete(null);
        return List.of();
      }

      @Override
      String method() {
        return "marker";
      }
    };
  }

  /** A step that makes one call and ignores its result. */
  private static Step fireAndForget(BotApiMethod<?> call) {
    return new Step() {
      @Override
      List<Step> run(TelegramApi api) {
        api.call(call);
        return List.of();
      }

      @Override
      String method() {
        return call.getMethod();
      }
    };
  }
}
