package dev.imaginebot.telegram;

/** {@code /settings}: passed to the core as is. */
final class SettingsCommand extends CommandHandler {
  SettingsCommand() {
    super("settings");
  }
}
