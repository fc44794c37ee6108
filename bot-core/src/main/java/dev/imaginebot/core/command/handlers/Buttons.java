package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.request.RequestParser;
import dev.imaginebot.core.store.JobRecord;
import java.util.Optional;

/**
 * Button presses: {@code reroll:<job>} (same prompt, new seed), {@code vary:<job>} (four new
 * seeds), {@code delete:<job>} (requester or admin), {@code cancel:<job>}, {@code rerun:<job>} (the
 * same request again), {@code history:<page>}.
 */
final class Buttons {
  private final Env env;
  private final CancelCommand cancel;
  private final HistoryCommand history;

  Buttons(Env env, CancelCommand cancel, HistoryCommand history) {
    this.env = env;
    this.cancel = cancel;
    this.history = history;
  }

  Reply press(CommandContext ctx, String buttonId) {
    int colon = buttonId == null ? -1 : buttonId.indexOf(':');
    if (colon < 0) return env.errorText(ctx, "cmd.button.unknown");
    String action = buttonId.substring(0, colon);
    long arg;
    try {
      arg = Long.parseLong(buttonId.substring(colon + 1));
    } catch (NumberFormatException e) {
      return env.errorText(ctx, "cmd.button.unknown");
    }
    switch (action) {
      case "history":
        return history.page(ctx, (int) Math.max(1, Math.min(Integer.MAX_VALUE, arg)));
      case "cancel":
        return cancel.cancel(ctx, arg);
      case "delete":
        return delete(ctx, arg);
      case "reroll":
        return again(ctx, arg, null, 1);
      case "vary":
        return again(ctx, arg, null, RequestParser.MAX_COUNT);
      case "rerun":
        return rerun(ctx, arg);
      default:
        return env.errorText(ctx, "cmd.button.unknown");
    }
  }

  private Reply again(CommandContext ctx, long jobId, Long seed, int count) {
    Optional<JobRecord> job = env.s.jobs().find(jobId);
    if (job.isEmpty()) return env.error(ctx, ErrorCode.NOT_FOUND);
    GenerationRequest r = job.get().request();
    GenerationRequest next =
        new GenerationRequest(
            r.prompt(),
            job.get().model(),
            r.negativePrompt(),
            seed,
            r.aspect(),
            r.width(),
            r.height(),
            r.steps(),
            r.guidance(),
            count);
    return env.start(ctx, next);
  }

  private Reply rerun(CommandContext ctx, long jobId) {
    Optional<JobRecord> job = env.s.jobs().find(jobId);
    if (job.isEmpty()) return env.error(ctx, ErrorCode.NOT_FOUND);
    return env.start(ctx, job.get().request().withModel(job.get().model()));
  }

  private Reply delete(CommandContext ctx, long jobId) {
    Optional<JobRecord> job = env.s.jobs().find(jobId);
    if (job.isEmpty()) return env.error(ctx, ErrorCode.NOT_FOUND);
    boolean own = job.get().userKey().equals(ctx.user().key());
    boolean admin = env.admin(ctx);
    if (!own && !admin) return env.errorText(ctx, "cmd.delete.refused");
    env.s.engine().cancel(jobId, ctx.user().key(), admin);
    boolean deleted =
        own ? env.s.jobs().delete(jobId, ctx.user().key()) : env.s.jobs().deleteAny(jobId);
    if (!deleted) return env.error(ctx, ErrorCode.NOT_FOUND);
    if (!own) env.s.audit().record(ctx.user().key(), "delete", "job " + jobId);
    return Reply.deleteMessage();
  }
}
