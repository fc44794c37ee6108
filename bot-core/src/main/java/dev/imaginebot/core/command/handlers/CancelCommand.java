package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.job.ErrorCode;
import java.util.List;

/**
 * {@code /cancel [job]}: cancels the user's newest job, or the one named (admins: any job of their
 * chat; bot admins: any job).
 */
final class CancelCommand implements Command {
  private final CommandSupport env;

  CancelCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "cancel";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String a = args == null ? "" : args.strip().replace("#", "");
    if (a.isEmpty()) return cancel(ctx, null);
    try {
      return cancel(ctx, Long.parseLong(a));
    } catch (NumberFormatException e) {
      return env.errorText(ctx, "cmd.cancel.usage");
    }
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    return cancel(ctx, options.integer("job"));
  }

  /** Cancels job {@code job}, or the sender's newest when null. */
  private Reply cancel(CommandContext ctx, Long job) {
    long id;
    if (job == null) {
      List<Long> mine = env.s.engine().active(ctx.user().key());
      if (mine.isEmpty()) return env.errorText(ctx, "cmd.cancel.nothing");
      id = mine.get(mine.size() - 1);
    } else {
      id = job;
    }
    String chat = env.s.jobs().find(id).map(j -> j.chatKey()).orElse(null);
    return cancel(ctx, id, env.adminOf(ctx, chat));
  }

  /** Cancels job {@code id}; {@code admin} lets the sender cancel someone else's. */
  Reply cancel(CommandContext ctx, long id, boolean admin) {
    JobEngine.CancelOutcome outcome = env.s.engine().cancel(id, ctx.user().key(), admin);
    switch (outcome) {
      case CANCELLED:
        return Reply.message(env.text(ctx, "cmd.cancel.done", id)).asPersonal();
      case NOT_ALLOWED:
        return env.error(ctx, ErrorCode.NOT_ALLOWED);
      default:
        return env.errorText(ctx, "cmd.cancel.notFound", id);
    }
  }
}
