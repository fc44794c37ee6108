package dev.imaginebot.telegram;

/** {@code /audit} (admins only). */
final class AuditCommand extends AdminCommand {
  AuditCommand() {
    super("audit");
  }
}
