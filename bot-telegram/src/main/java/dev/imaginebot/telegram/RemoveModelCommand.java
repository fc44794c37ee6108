package dev.imaginebot.telegram;

/** {@code /removemodel} (admins only). */
final class RemoveModelCommand extends AdminCommand {
  RemoveModelCommand() {
    super("removemodel");
  }
}
