package dev.imaginebot.telegram;

/** A command we do not know: the core answers it (with its "unknown command" text). */
final class UnknownCommand extends CommandHandler {
  UnknownCommand(String name) {
    super(name);
  }
}
