package dev.imaginebot.telegram;

/** {@code /history}: passed to the core as is. */
final class HistoryCommand extends CommandHandler {
  HistoryCommand() {
    super("history");
  }
}
