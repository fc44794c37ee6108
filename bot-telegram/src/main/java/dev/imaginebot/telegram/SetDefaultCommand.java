package dev.imaginebot.telegram;

/** {@code /setdefault} (admins only). */
final class SetDefaultCommand extends AdminCommand {
  SetDefaultCommand() {
    super("setdefault");
  }
}
