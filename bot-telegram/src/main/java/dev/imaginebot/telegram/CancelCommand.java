package dev.imaginebot.telegram;

/** {@code /cancel}: passed to the core as is. */
final class CancelCommand extends CommandHandler {
  CancelCommand() {
    super("cancel");
  }
}
