package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.request.RequestParser;
import dev.imaginebot.core.store.JobRecord;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Button presses, with signed ids ({@link ButtonIds}): {@code reroll} (same prompt, new seed),
 * {@code vary} (four new seeds), {@code delete} (requester or admin), {@code cancel}, {@code rerun}
 * (the same request again), {@code history} (a page).
 *
 * <p>A job's buttons act in the chat the job was made in. Reroll, Variations and Re-run also work
 * for the job's owner in their private chat with the bot (their own prompt, seen by them alone).
 * Cancel and Delete need the job's owner, a bot admin, or an admin of the job's chat.
 */
final class ButtonPresses {
  private static final Logger log = LoggerFactory.getLogger(ButtonPresses.class);

  private final CommandSupport env;
  private final CancelCommand cancel;
  private final HistoryCommand history;

  ButtonPresses(CommandSupport env, CancelCommand cancel, HistoryCommand history) {
    this.env = env;
    this.cancel = cancel;
    this.history = history;
  }

  /** The signed buttons for a job's message after {@code event} (see {@code Bot#buttons}). */
  List<Button> of(JobEvent event, String language) {
    long id = event.jobId();
    if (id == 0 || event instanceof JobEvent.Cancelled) return List.of();
    if (event instanceof JobEvent.Completed) {
      return List.of(
          new Button(env.ids.id("reroll", id), env.s.messages().text(language, "button.reroll")),
          new Button(env.ids.id("vary", id), env.s.messages().text(language, "button.vary")),
          new Button(env.ids.id("delete", id), env.s.messages().text(language, "button.delete")));
    }
    if (event instanceof JobEvent.Failed) {
      return List.of(
          new Button(env.ids.id("rerun", id), env.s.messages().text(language, "button.rerun", id)));
    }
    return List.of(
        new Button(env.ids.id("cancel", id), env.s.messages().text(language, "button.cancel")));
  }

  Reply press(CommandContext ctx, String buttonId) {
    ButtonIds.Parsed p = env.ids.parse(buttonId);
    if (p.status() == ButtonIds.Status.EXPIRED) {
      return env.errorText(ctx, "cmd.button.expired").asPersonal();
    }
    if (p.status() == ButtonIds.Status.FORGED) {
      log.info("Refused a button this bot did not make, from {} in {}", ctx.user(), ctx.chat());
      return env.errorText(ctx, "cmd.button.unknown").asPersonal();
    }
    long arg = p.arg();
    if (p.action().equals("history")) {
      return history.page(ctx, (int) Math.max(1, Math.min(Integer.MAX_VALUE, arg)));
    }
    Optional<JobRecord> job = env.s.jobs().find(arg);
    if (job.isEmpty()) return env.error(ctx, ErrorCode.NOT_FOUND);
    JobRecord j = job.get();
    boolean here = j.chatKey().equals(ctx.chat().key());
    boolean own = j.userKey().equals(ctx.user().key());
    switch (p.action()) {
      case "cancel":
        if (!here) return elsewhere(ctx, j);
        return cancel.cancel(ctx, arg, env.adminOf(ctx, j.chatKey()));
      case "delete":
        if (!here) return elsewhere(ctx, j);
        return delete(ctx, j, own);
      case "reroll":
      case "vary":
      case "rerun":
        // In the owner's private chat the prompt is seen by its owner alone.
        if (!here && !(own && !ctx.chat().group())) return elsewhere(ctx, j);
        if (p.action().equals("rerun")) {
          return env.start(ctx, j.request().withModel(j.model()));
        }
        return again(ctx, j, p.action().equals("vary") ? RequestParser.MAX_COUNT : 1);
      default:
        return env.errorText(ctx, "cmd.button.unknown").asPersonal();
    }
  }

  private Reply elsewhere(CommandContext ctx, JobRecord job) {
    log.info(
        "Refused a press on job {} (chat {}) from {} in {}",
        job.id(),
        job.chatKey(),
        ctx.user(),
        ctx.chat());
    return env.errorText(ctx, "cmd.button.elsewhere").asPersonal();
  }

  private Reply again(CommandContext ctx, JobRecord job, int count) {
    GenerationRequest r = job.request();
    GenerationRequest next =
        new GenerationRequest(
            r.prompt(),
            job.model(),
            r.negativePrompt(),
            null,
            r.aspect(),
            r.width(),
            r.height(),
            r.steps(),
            r.guidance(),
            count);
    return env.start(ctx, next);
  }

  private Reply delete(CommandContext ctx, JobRecord job, boolean own) {
    long jobId = job.id();
    boolean admin = env.adminOf(ctx, job.chatKey());
    if (!own && !admin) return env.errorText(ctx, "cmd.delete.refused").asPersonal();
    env.s.engine().cancel(jobId, ctx.user().key(), admin);
    boolean deleted =
        own ? env.s.jobs().delete(jobId, ctx.user().key()) : env.s.jobs().deleteAny(jobId);
    if (!deleted) return env.error(ctx, ErrorCode.NOT_FOUND);
    if (!own) env.audit(ctx, "delete", "job " + jobId);
    return Reply.deleteMessage();
  }
}
