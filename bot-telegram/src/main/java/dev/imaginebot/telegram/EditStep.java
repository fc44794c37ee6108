package dev.imaginebot.telegram;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;

/**
 * Replaces the text (and inline keyboard) of a message. Progress edits of one message that are
 * still queued collapse into the newest one; the message id may still be on its way (the message is
 * sent by an earlier step in the same chat).
 */
final class EditStep extends Step {
  private final long chatId;
  private final CompletableFuture<Integer> messageId;
  private final boolean progress;
  private volatile String text;
  private volatile InlineKeyboardMarkup markup;

  EditStep(
      long chatId,
      CompletableFuture<Integer> messageId,
      String text,
      InlineKeyboardMarkup markup,
      boolean progress) {
    this.chatId = chatId;
    this.messageId = messageId;
    this.text = Texts.message(text);
    this.markup = markup;
    this.progress = progress;
  }

  boolean progress() {
    return progress;
  }

  boolean sameMessage(EditStep other) {
    return messageId == other.messageId;
  }

  void takeContent(EditStep newer) {
    this.text = newer.text;
    this.markup = newer.markup;
  }

  @Override
  boolean edit() {
    return true;
  }

  @Override
  String method() {
    return EditMessageText.PATH;
  }

  @Override
  List<Step> run(TelegramApi api) {
    Integer id = messageId.isCompletedExceptionally() ? null : messageId.getNow(null);
    if (id == null) return List.of(); // the message never got sent; the failure was logged then
    api.call(
        EditMessageText.builder()
            .chatId(chatId)
            .messageId(id)
            .text(text)
            .replyMarkup(markup)
            .build());
    return List.of();
  }
}
