package dev.imaginebot.telegram;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.FaultRef;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.groupadministration.GetChatMember;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMember;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

/** What command and button handlers share: the core, the Bot API, the outbox, the workers. */
final class TelegramContext {
  static final String PLATFORM = "telegram";

  private static final Logger log = LoggerFactory.getLogger(TelegramContext.class);

  final Bot bot;
  final TelegramApi api;
  final Outbox outbox;
  final SentImages sentImages;
  final Executor workers;

  TelegramContext(
      Bot bot, TelegramApi api, Outbox outbox, SentImages sentImages, Executor workers) {
    this.bot = bot;
    this.api = api;
    this.outbox = outbox;
    this.sentImages = sentImages;
    this.workers = workers;
  }

  static UserRef user(User from) {
    String name = from.getFirstName();
    if (from.getLastName() != null) name = name + " " + from.getLastName();
    return new UserRef(PLATFORM, Long.toString(from.getId()), name, from.getLanguageCode());
  }

  static ChatRef chat(long chatId, boolean group) {
    return new ChatRef(PLATFORM, Long.toString(chatId), group);
  }

  static String replyRef(long chatId, int messageId) {
    return chatId + ":" + messageId;
  }

  /**
   * The reference of a job whose status message is not sent yet: the chat and the user's message it
   * will reply to.
   */
  static String pendingReplyRef(long chatId, int userMessageId) {
    return chatId + ":reply:" + userMessageId;
  }

  /** Marks a stored update handled (null: the update was not stored). */
  void handled(String updateKey) {
    if (updateKey != null) bot.handled(PLATFORM, updateKey);
  }

  CommandContext context(
      User from, long chatId, boolean group, boolean platformAdmin, String replyRef, JobView view) {
    return new CommandContext(user(from), chat(chatId, group), platformAdmin, replyRef, view);
  }

  /**
   * True when the Bot API says the user administers the group (asked on every call, as rights
   * change). Private chats have no chat admins: configured bot admins are the core's business.
   */
  boolean chatAdmin(long chatId, boolean group, long userId) {
    if (!group) return false;
    try {
      ChatMember member = api.call(new GetChatMember(Long.toString(chatId), userId));
      String status = member.getStatus();
      return "administrator".equals(status) || "creator".equals(status);
    } catch (ApiFailure f) {
      log.warn("Telegram getChatMember in chat {} failed: {}", chatId, f.getMessage());
      return false;
    }
  }

  /** A view that sends its own status message on the first event, replying to {@code replyTo}. */
  TelegramJobView lazyView(long chatId, Integer replyTo, String language) {
    return TelegramJobView.lazy(chatId, replyTo, language, bot, outbox, sentImages);
  }

  /**
   * A view that sends the job's status message on its first event, replying to {@code replyTo}, and
   * then records the message with the core so that a restart edits it.
   *
   * @param jobId the job, or 0 when the first event will name it
   */
  TelegramJobView statusView(long jobId, long chatId, int replyTo, String language) {
    return TelegramJobView.lazy(
        chatId,
        replyTo,
        language,
        bot,
        outbox,
        sentImages,
        (job, statusId) -> bot.moved(job != 0 ? job : jobId, replyRef(chatId, statusId)));
  }

  TelegramJobView editingView(long chatId, int messageId, String language) {
    return TelegramJobView.editing(chatId, messageId, language, bot, outbox, sentImages);
  }

  /**
   * Shows a command's reply to {@code from} as a new message; a started job shows itself through
   * its view. A {@link Reply#personal() personal} reply asked for in a group (history, settings, a
   * refusal of the sender's command) goes to the sender's private chat instead, and the group gets
   * a short pointer to it (see {@link #sendPrivately}).
   */
  void render(long chatId, Integer replyTo, Reply reply, User from) {
    if (reply.kind() == Reply.Kind.PENDING) {
      renderPending(chatId, replyTo, reply, from);
      return;
    }
    if (reply.personal() && chatId < 0 && from != null) {
      if (reply.kind() != Reply.Kind.MESSAGE && reply.kind() != Reply.Kind.ERROR) return;
      sendPrivately(from, reply, chatId, replyTo, true);
      return;
    }
    render(chatId, replyTo, reply);
  }

  /**
   * Sends a personal reply to the user's private chat; with {@code pointer}, the group is then told
   * (in a reply to {@code replyTo}) that the answer went there. When Telegram won't let us write to
   * the user (they never started the bot, or blocked it: 403), the group gets a refusal's own
   * sentence, which says nothing private, or for anything else only a note to start the bot.
   */
  void sendPrivately(User from, Reply reply, long groupId, Integer replyTo, boolean pointer) {
    long userChat = from.getId();
    CompletableFuture<Integer> sent = sendParts(userChat, null, reply);
    sent.whenComplete(
        (id, failure) -> {
          if (failure == null) {
            if (pointer) {
              sendText(groupId, replyTo, bot.text(from.getLanguageCode(), "cmd.private.sent"));
            }
            return;
          }
          log.info("Could not answer user {} privately: {}", from.getId(), failure.getMessage());
          if (reply.kind() == Reply.Kind.ERROR) {
            sendParts(groupId, replyTo, reply);
          } else {
            sendText(groupId, replyTo, bot.text(from.getLanguageCode(), "cmd.private.blocked"));
          }
        });
  }

  /**
   * A reply whose answer comes later ({@link Reply.Kind#PENDING}): its "working" text is sent now
   * (to the sender privately when the answer is personal and asked for in a group), and the answer
   * replaces it when the core has it. Nothing waits: the answer's completion only queues the edit.
   */
  private void renderPending(long chatId, Integer replyTo, Reply reply, User from) {
    boolean privately = reply.personal() && chatId < 0 && from != null;
    long target = privately ? from.getId() : chatId;
    CompletableFuture<Integer> working = sendParts(target, privately ? null : replyTo, reply);
    reply
        .later()
        .whenComplete(
            (answer, failure) ->
                working.whenComplete(
                    (messageId, notSent) -> {
                      if (failure != null || notSent != null) {
                        log.info(
                            "Chat {}: no later answer shown: {}",
                            target,
                            failure != null ? failure.toString() : notSent.getMessage());
                        if (privately && notSent != null) {
                          sendText(
                              chatId,
                              replyTo,
                              bot.text(from.getLanguageCode(), "cmd.private.blocked"));
                        }
                        return;
                      }
                      renderInto(target, messageId, answer);
                    }));
  }

  private void sendText(long chatId, Integer replyTo, String text) {
    outbox.submit(
        chatId, Steps.sendMessage(chatId, replyTo, text, null, new CompletableFuture<>()));
  }

  /** Shows a reply as a new message in a chat; a started job shows itself through its view. */
  void render(long chatId, Integer replyTo, Reply reply) {
    if (reply.kind() == Reply.Kind.PENDING) {
      renderPending(chatId, replyTo, reply, null);
      return;
    }
    if (reply.kind() == Reply.Kind.MESSAGE || reply.kind() == Reply.Kind.ERROR) {
      sendParts(chatId, replyTo, reply);
    }
  }

  /**
   * Sends a reply as one message per {@link Reply#parts part} (the chat's outbox keeps their
   * order), the first replying to {@code replyTo}, the buttons under the last; the future is the
   * first message's.
   */
  private CompletableFuture<Integer> sendParts(long chatId, Integer replyTo, Reply reply) {
    return sendParts(chatId, replyTo, reply.parts(Texts.MESSAGE_LIMIT), reply);
  }

  private CompletableFuture<Integer> sendParts(
      long chatId, Integer replyTo, List<String> parts, Reply reply) {
    CompletableFuture<Integer> first = null;
    for (int i = 0; i < parts.size(); i++) {
      boolean last = i == parts.size() - 1;
      CompletableFuture<Integer> sent = new CompletableFuture<>();
      if (first == null) first = sent;
      outbox.submit(
          chatId,
          Steps.sendMessage(
              chatId,
              i == 0 ? replyTo : null,
              parts.get(i),
              last ? keyboard(reply.buttons()) : null,
              sent));
    }
    return first;
  }

  /** Shows a reply in a message we sent already (a placeholder, a page of history). */
  void renderInto(long chatId, int messageId, Reply reply) {
    switch (reply.kind()) {
      case MESSAGE:
      case ERROR:
        List<String> parts = reply.parts(Texts.MESSAGE_LIMIT);
        // The message takes the first part (and the buttons when it is the only one); the rest
        // follow as new messages.
        outbox.submit(
            chatId,
            new EditStep(
                chatId,
                CompletableFuture.completedFuture(messageId),
                parts.get(0),
                parts.size() == 1 ? keyboard(reply.buttons()) : null,
                false));
        if (parts.size() > 1) sendParts(chatId, null, parts.subList(1, parts.size()), reply);
        break;
      case DELETE_MESSAGE:
        outbox.submit(chatId, Steps.deleteMessage(chatId, messageId));
        break;
      case JOB_STARTED:
      case PENDING:
        break;
    }
  }

  /**
   * The boundary for faults: logs one with its stack trace and a short reference, and tells the
   * user "something went wrong (ref ...)" (in the status message when there is one).
   */
  void fault(
      long chatId, Integer statusMessageId, String language, String what, RuntimeException e) {
    String ref = FaultRef.next();
    log.error("Telegram {} in chat {} failed (ref {})", what, chatId, ref, e);
    String text;
    try {
      text = bot.text(language, "error.INTERNAL", ref);
    } catch (RuntimeException again) {
      text = "Something went wrong (ref " + ref + ").";
    }
    if (statusMessageId != null) {
      outbox.submit(
          chatId,
          new EditStep(
              chatId, CompletableFuture.completedFuture(statusMessageId), text, null, false));
    } else {
      outbox.submit(chatId, Steps.sendMessage(chatId, null, text, null, new CompletableFuture<>()));
    }
  }

  /** Core buttons as an inline keyboard, five to a row; null for none. */
  static InlineKeyboardMarkup keyboard(List<Button> buttons) {
    if (buttons.isEmpty()) return null;
    List<InlineKeyboardRow> rows = new ArrayList<>();
    InlineKeyboardRow row = new InlineKeyboardRow();
    for (Button b : buttons) {
      if (row.size() == 5) {
        rows.add(row);
        row = new InlineKeyboardRow();
      }
      row.add(InlineKeyboardButton.builder().text(b.label()).callbackData(b.id()).build());
    }
    rows.add(row);
    return new InlineKeyboardMarkup(rows);
  }
}
