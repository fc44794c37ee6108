package dev.imaginebot.telegram;

import dev.imaginebot.core.command.Reply;

/**
 * {@code /imagine <prompt> [model]}: the job is stored first, then shown. Its view sends the status
 * message with the job's first event (replying to the user's message) and tells the core where it
 * is ({@code Bot#moved}), so a restarted bot edits that message; a restart before it was sent sends
 * it then. Nothing is put on Telegram before the job exists, so a crash leaves no orphan message.
 */
final class TelegramImagine extends CommandHandler {
  TelegramImagine() {
    super("imagine", false);
  }

  @Override
  void handle(TelegramContext env, Incoming in) {
    TelegramJobView view = env.statusView(0, in.chatId(), in.messageId(), in.language());
    Reply reply =
        env.bot.handle(
            env.context(
                    in.from(),
                    in.chatId(),
                    in.group(),
                    false,
                    TelegramContext.pendingReplyRef(in.chatId(), in.messageId()),
                    view)
                .withCommandKey(in.updateKey()),
            "imagine",
            in.args());
    // The job (or the refusal) is stored or shown: the update need not come again.
    env.handled(in.updateKey());
    // DELETE_MESSAGE: the update was handled before a crash; its job shows itself where it is. A
    // refusal is the sender's: in a group it goes to them privately.
    if (reply.kind() != Reply.Kind.DELETE_MESSAGE) {
      env.render(in.chatId(), in.messageId(), reply, in.from());
    }
  }
}
