package dev.imaginebot.telegram;

import dev.imaginebot.core.command.Reply;

/**
 * One Telegram command: hand the text after it to the core and show its reply; a job it starts
 * shows itself through a view that sends its own status message. Every catalogue command but {@code
 * /imagine} ({@link TelegramImagine}) is one of these, as is a command the core does not know (it
 * words "unknown command").
 */
class CommandHandler {
  private final String name;
  private final boolean admin;

  /**
   * @param name the command, as users type it after {@code /}
   * @param admin true for an admin command: Telegram is asked whether the sender administers the
   *     chat ({@code getChatMember}) on every call; the core decides who may run it
   */
  CommandHandler(String name, boolean admin) {
    this.name = name;
    this.admin = admin;
  }

  /** The command, as users type it after {@code /}. */
  final String name() {
    return name;
  }

  /** Runs on a worker thread; may block briefly on the Bot API, never on a Space. */
  void handle(TelegramContext env, Incoming in) {
    TelegramJobView view = env.lazyView(in.chatId(), in.messageId(), in.language());
    boolean platformAdmin = admin && env.chatAdmin(in.chatId(), in.group(), in.from().getId());
    Reply reply =
        env.bot.handle(
            env.context(in.from(), in.chatId(), in.group(), platformAdmin, null, view),
            name,
            in.args());
    env.render(in.chatId(), in.messageId(), reply, in.from());
  }
}
