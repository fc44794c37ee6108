package dev.imaginebot.telegram;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.PlatformLimits;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;

/**
 * Shows one job in a Telegram chat by editing its status message with what the core rendered: queue
 * position, waking Space, Space queue, progress (with the core's Cancel button); then the images
 * (photo, album or documents) with the "upload_photo" action, and the status message's final text
 * with Reroll / Variations / Delete buttons (an album cannot carry a keyboard). All calls go
 * through the chat's {@link Outbox}, so {@link #onUpdate} never blocks the core.
 */
final class TelegramJobView implements JobView {
  private final long chatId;
  private final CompletableFuture<Integer> statusMessage;
  private final Integer replyTo;
  private String language;
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

  /**
   * A message holds 4096 characters, a caption 1024; a photo at most 10 MB (the core re-encodes
   * larger ones); an album 10 photos.
   */
  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(
        Texts.MESSAGE_LIMIT,
        Texts.CAPTION_LIMIT,
        ImagesStep.PHOTO_MAX_BYTES,
        Long.MAX_VALUE,
        ImagesStep.ALBUM_MAX);
  }

  @Override
  public synchronized void onUpdate(JobUpdate update) {
    language = update.language();
    JobEvent event = update.event();
    String text = update.text();
    InlineKeyboardMarkup keyboard = TelegramContext.keyboard(update.buttons());
    if (needsMessage) {
      needsMessage = false;
      lastText = text;
      outbox.submit(chatId, Steps.sendMessage(chatId, replyTo, text, keyboard, statusMessage));
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
              update.images(),
              update.caption(),
              id -> sentImages.add(chatId, c.jobId(), id),
              failure -> imagesLost(failure)));
      outbox.submit(chatId, new EditStep(chatId, statusMessage, text, keyboard, false));
    } else if (event.terminal()) {
      outbox.submit(chatId, new EditStep(chatId, statusMessage, text, keyboard, false));
    } else {
      if (text.equals(lastText)) return;
      outbox.submit(chatId, new EditStep(chatId, statusMessage, text, keyboard, true));
    }
    lastText = text;
  }

  /**
   * Queues the outcome like any update, then a marker behind it: the chat's queue is FIFO, so the
   * marker's turn comes once the images and the final text went out (or failed for good, as for a
   * user who blocked the bot), and the core counts the outcome delivered.
   */
  @Override
  public synchronized CompletionStage<Void> deliver(JobUpdate outcome) {
    onUpdate(outcome);
    CompletableFuture<Void> done = new CompletableFuture<>();
    outbox.submit(chatId, Steps.marker(done));
    return done;
  }

  private void imagesLost(ApiFailure failure) {
    String detail = failure.errorCode() == 0 ? "" : failure.description();
    String text =
        Texts.message(
            bot.text(language, "error.FILE_REJECTED", detail)
                + "\n"
                + bot.text(language, "hint.FILE_REJECTED", detail));
    outbox.submit(chatId, Steps.sendMessage(chatId, null, text, null, new CompletableFuture<>()));
  }
}
