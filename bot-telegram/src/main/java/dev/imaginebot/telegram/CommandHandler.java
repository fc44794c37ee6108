package dev.imaginebot.telegram;

import dev.imaginebot.core.command.Reply;

/**
 * One Telegram command. The default is the whole job of most commands: hand the text to the core
 * and show its reply; a job it starts shows itself through a view that sends its own status
 * message.
 */
abstract class CommandHandler {
  private final String name;

  CommandHandler(String name) {
    this.name = name;
  }

  /** The command, as users type it after {@code /}. */
  final String name() {
    return name;
  }

  /** Runs on a worker thread; may block briefly on the Bot API. */
  void handle(Env env, Incoming in) {
    TelegramJobView view = env.lazyView(in.chatId(), in.messageId(), in.language());
    Reply reply =
        env.bot.handle(
            env.context(in.from(), in.chatId(), in.group(), platformAdmin(env, in), null, view),
            name,
            in.args());
    env.render(in.chatId(), in.messageId(), reply, in.from());
  }

  /** Only admin commands ask Telegram whether the sender administers the chat. */
  boolean platformAdmin(Env env, Incoming in) {
    return false;
  }
}
