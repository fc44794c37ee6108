package dev.imaginebot.telegram;

/** {@code /inspect} (admins only). */
final class InspectCommand extends AdminCommand {
  InspectCommand() {
    super("inspect");
  }
}
