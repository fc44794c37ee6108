package dev.imaginebot.telegram;

/** {@code /models}: passed to the core as is. */
final class ModelsCommand extends CommandHandler {
  ModelsCommand() {
    super("models");
  }
}
