package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.store.AuditEntry;
import java.util.List;

/**
 * {@code /audit [n]}: the most recent admin actions, answered privately: all of them for bot
 * admins, those made in this chat for a chat's admins.
 */
final class AuditCommand implements Command {
  private final CommandSupport env;

  AuditCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    int n = 20;
    try {
      if (args != null && !args.isBlank())
        n = Math.max(1, Math.min(50, Integer.parseInt(args.strip())));
    } catch (NumberFormatException e) {
      n = 20;
    }
    return audit(ctx, n);
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    Long count = options.integer("count");
    return audit(ctx, count == null ? 20 : (int) Math.max(1, Math.min(50, count)));
  }

  private Reply audit(CommandContext ctx, int n) {
    List<AuditEntry> entries =
        env.botAdmin(ctx) ? env.s.audit().recent(n) : env.s.audit().recent(ctx.chat().key(), n);
    if (entries.isEmpty()) return Reply.message(env.text(ctx, "cmd.audit.empty")).asPersonal();
    StringBuilder out = new StringBuilder(env.text(ctx, "cmd.audit.header"));
    for (AuditEntry e : entries) {
      out.append('\n')
          .append(
              env.text(
                  ctx,
                  "cmd.audit.line",
                  CommandSupport.TIME.format(e.at()),
                  e.actorKey(),
                  e.action(),
                  e.detail()));
    }
    return Reply.message(out.toString()).asPersonal();
  }
}
