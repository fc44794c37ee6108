package dev.imaginebot.telegram;

import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;

/**
 * An inline button press: {@code bot.press} with the button's data, then {@code
 * answerCallbackQuery} (an error shows as an alert, a short confirmation as a toast). Buttons that
 * start a job (Reroll, Variations, Re-run) get a new status message first, so the new job can name
 * it; Delete removes the status message and the images sent with it; a history page replaces the
 * message it was on.
 */
final class ButtonPress {
  private static final Logger log = LoggerFactory.getLogger(ButtonPress.class);

  void handle(TelegramContext env, CallbackQuery query) {
    handle(env, query, null);
  }

  /** Handles a press that came in the stored update {@code updateKey} (null: not stored). */
  void handle(TelegramContext env, CallbackQuery query, String updateKey) {
    String data = query.getData() == null ? "" : query.getData();
    MaybeInaccessibleMessage message = query.getMessage();
    if (message == null) {
      answer(env, query, null);
      return;
    }
    long chatId = message.getChatId();
    int messageId = message.getMessageId();
    boolean group = chatId < 0;
    String language = query.getFrom().getLanguageCode();

    if (startsJob(data)) {
      // As /imagine: the job is stored first; its view sends the new status message (replying to
      // the message the button is on) with the job's first event.
      Reply reply =
          press(
              env,
              query,
              data,
              chatId,
              group,
              false,
              TelegramContext.pendingReplyRef(chatId, messageId),
              env.statusView(0, chatId, messageId, language),
              updateKey);
      // An error shows as an alert; a job shows itself; one made before for this press (the
      // update came again after a crash) shows itself where it is.
      answer(env, query, reply);
      return;
    }

    boolean platformAdmin =
        (data.startsWith("delete:") || data.startsWith("cancel:"))
            && env.chatAdmin(chatId, group, query.getFrom().getId());
    Reply reply =
        press(
            env,
            query,
            data,
            chatId,
            group,
            platformAdmin,
            null,
            env.lazyView(chatId, messageId, language),
            updateKey);
    answer(env, query, reply);
    switch (reply.kind()) {
      case DELETE_MESSAGE:
        env.outbox.submit(chatId, Steps.deleteMessage(chatId, messageId));
        Long job = jobOf(data);
        if (job != null) {
          for (int id : env.sentImages.remove(chatId, job)) {
            env.outbox.submit(chatId, Steps.deleteMessage(chatId, id));
          }
        }
        break;
      case MESSAGE:
        if (reply.personal() && group) {
          // A page of someone's history, pressed under a message in a group, is theirs alone.
          if (!fitsAnswer(reply))
            env.sendPrivately(query.getFrom(), reply, chatId, messageId, false);
        } else if (data.startsWith("history:")) {
          env.renderInto(chatId, messageId, reply);
        } else if (!fitsAnswer(reply)) {
          env.render(chatId, messageId, reply);
        }
        break;
      case ERROR:
      case JOB_STARTED:
        break;
    }
  }

  /** {@code bot.press}; if it throws, the press is answered (empty) before the fault goes on. */
  private static Reply press(
      TelegramContext env,
      CallbackQuery query,
      String data,
      long chatId,
      boolean group,
      boolean platformAdmin,
      String replyRef,
      JobView view,
      String updateKey) {
    try {
      return env.bot.press(
          env.context(query.getFrom(), chatId, group, platformAdmin, replyRef, view)
              .withCommandKey(updateKey),
          data);
    } catch (RuntimeException e) {
      answer(env, query, null);
      throw e;
    }
  }

  private static boolean startsJob(String data) {
    return data.startsWith("reroll:") || data.startsWith("vary:") || data.startsWith("rerun:");
  }

  /** The job a button id names: {@code action:job[:signature]}. */
  static Long jobOf(String data) {
    String[] parts = data.split(":", 3);
    if (parts.length < 2) return null;
    try {
      return Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A short confirmation without buttons is said in the press's answer (a toast). */
  private static boolean fitsAnswer(Reply reply) {
    return reply.text().length() <= Texts.ALERT_LIMIT && reply.buttons().isEmpty();
  }

  /** Every press is answered exactly once, or the user's client keeps spinning. */
  private static void answer(TelegramContext env, CallbackQuery query, Reply reply) {
    AnswerCallbackQuery.AnswerCallbackQueryBuilder<?, ?> answer =
        AnswerCallbackQuery.builder().callbackQueryId(query.getId());
    if (reply != null && reply.kind() == Reply.Kind.ERROR) {
      answer.text(Texts.alert(reply.text())).showAlert(true);
    } else if (reply != null
        && reply.kind() == Reply.Kind.MESSAGE
        && !reply.text().isBlank()
        && reply.text().length() <= Texts.ALERT_LIMIT
        && reply.buttons().isEmpty()) {
      // A short confirmation ("Cancelled job #3") shows as a toast, not as a new message.
      answer.text(reply.text());
    }
    try {
      env.api.call(answer.build());
    } catch (ApiFailure f) {
      log.warn("Telegram answerCallbackQuery failed: {}", f.getMessage());
    }
  }
}
