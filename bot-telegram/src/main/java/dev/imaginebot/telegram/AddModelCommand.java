package dev.imaginebot.telegram;

/** {@code /addmodel} (admins only). */
final class AddModelCommand extends AdminCommand {
  AddModelCommand() {
    super("addmodel");
  }
}
