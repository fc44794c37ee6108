package dev.imaginebot.telegram;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;

/**
 * Shows one job in a Telegram chat by editing its status message: queue position, waking Space,
 * Space queue, progress (with the core's Cancel button); then the images (photo, album or
 * documents) with the "upload_photo" action, and the status message's final text with Reroll /
 * Variations / Delete buttons (an album cannot carry a keyboard). All calls go through the chat's
 * {@link Outbox}, so {@link #onEvent} never blocks the core.
 */
final class TelegramJobView implements JobView {
  private final long chatId;
  private final CompletableFuture<Integer> statusMessage;
  private final Integer replyTo;
  private final String language;
  private final Bot bot;
  private final Outbox outbox;
  private final SentImages sentImages;
  private final StatusListener onStatusSent;
  private boolean needsMessage;
  private String lastText;

  private TelegramJobView(
      long chatId,
      CompletableFuture<Integer> statusMessage,
      boolean needsMessage,
      Integer replyTo,
      String language,
      Bot bot,
      Outbox outbox,
      SentImages sentImages,
      StatusListener onStatusSent) {
    this.onStatusSent = onStatusSent;
    this.chatId = chatId;
    this.statusMessage = statusMessage;
    this.needsMessage = needsMessage;
    this.replyTo = replyTo;
    this.language = language;
    this.bot = bot;
    this.outbox = outbox;
    this.sentImages = sentImages;
  }

  /** A view that edits an existing status message. */
  static TelegramJobView editing(
      long chatId,
      int statusMessageId,
      String language,
      Bot bot,
      Outbox outbox,
      SentImages sentImages) {
    return new TelegramJobView(
        chatId,
        CompletableFuture.completedFuture(statusMessageId),
        false,
        null,
        language,
        bot,
        outbox,
        sentImages,
        null);
  }

  /** Told which message shows a job once a lazy view sent it. */
  @FunctionalInterface
  interface StatusListener {
    void sent(long jobId, int messageId);
  }

  /** A view that sends its status message (replying to {@code replyTo}) on the first event. */
  static TelegramJobView lazy(
      long chatId,
      Integer replyTo,
      String language,
      Bot bot,
      Outbox outbox,
      SentImages sentImages) {
    return lazy(chatId, replyTo, language, bot, outbox, sentImages, null);
  }

  /** Like the other {@code lazy}, telling {@code onStatusSent} the status message's id. */
  static TelegramJobView lazy(
      long chatId,
      Integer replyTo,
      String language,
      Bot bot,
      Outbox outbox,
      SentImages sentImages,
      StatusListener onStatusSent) {
    return new TelegramJobView(
        chatId,
        new CompletableFuture<>(),
        true,
        replyTo,
        language,
        bot,
        outbox,
        sentImages,
        onStatusSent);
  }

  @Override
  public synchronized void onEvent(JobEvent event) {
    String text = bot.describe(event, language);
    if (needsMessage) {
      needsMessage = false;
      lastText = text;
      outbox.submit(
          chatId, Steps.sendMessage(chatId, replyTo, text, keyboardFor(event), statusMessage));
      if (onStatusSent != null && event.jobId() != 0) {
        long job = event.jobId();
        statusMessage.thenAccept(id -> onStatusSent.sent(job, id));
      }
      if (!(event instanceof JobEvent.Completed)) return;
    }
    if (event instanceof JobEvent.Completed c) {
      outbox.submit(chatId, Steps.chatAction(chatId, "upload_photo"));
      outbox.submit(
          chatId,
          new ImagesStep(
              chatId,
              statusMessage,
              c.jobId(),
              c.images(),
              text,
              bot,
              id -> sentImages.add(chatId, c.jobId(), id),
              failure -> imagesLost(c.jobId(), failure)));
      outbox.submit(chatId, new EditStep(chatId, statusMessage, text, keyboardFor(c), false));
    } else if (event.terminal()) {
      outbox.submit(chatId, new EditStep(chatId, statusMessage, text, keyboardFor(event), false));
    } else {
      if (text.equals(lastText)) return;
      outbox.submit(chatId, new EditStep(chatId, statusMessage, text, keyboardFor(event), true));
    }
    lastText = text;
  }

  /**
   * Queues the outcome like any event, then a marker behind it: the chat's queue is FIFO, so the
   * marker's turn comes once the images and the final text went out (or failed for good, as for a
   * user who blocked the bot), and the core counts the outcome delivered.
   */
  @Override
  public synchronized CompletionStage<Void> deliver(JobEvent terminal) {
    onEvent(terminal);
    CompletableFuture<Void> done = new CompletableFuture<>();
    outbox.submit(chatId, Steps.marker(done));
    return done;
  }

  /** The core's buttons for this state: Cancel while running, Reroll/Variations/Delete, Re-run. */
  private InlineKeyboardMarkup keyboardFor(JobEvent event) {
    return Env.keyboard(bot.buttons(event, language));
  }

  private void imagesLost(long jobId, ApiFailure failure) {
    String text =
        bot.describe(
            new JobEvent.Failed(
                jobId,
                ErrorCode.FILE_REJECTED,
                failure.errorCode() == 0 ? null : failure.description(),
                Optional.empty()),
            language);
    outbox.submit(chatId, Steps.sendMessage(chatId, null, text, null, new CompletableFuture<>()));
  }
}
