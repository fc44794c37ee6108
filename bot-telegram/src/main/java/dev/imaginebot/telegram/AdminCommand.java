package dev.imaginebot.telegram;

/**
 * An admin command. The core decides who may run it: configured bot admins, and in groups the
 * chat's administrators, which this class asks Telegram about ({@code getChatMember}) on every
 * call.
 */
abstract class AdminCommand extends CommandHandler {
  AdminCommand(String name) {
    super(name);
  }

  @Override
  final boolean platformAdmin(Env env, Incoming in) {
    return env.chatAdmin(in.chatId(), in.group(), in.from().getId());
  }
}
