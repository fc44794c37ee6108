package dev.imaginebot.telegram;

/** {@code /help}: passed to the core as is. */
final class HelpCommand extends CommandHandler {
  HelpCommand() {
    super("help");
  }
}
