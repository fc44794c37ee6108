package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.SpaceMapping;
import dev.imaginebot.core.request.ParseResult;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers every command shares: language, admin checks, default models, replies. */
final class CommandSupport {
  private static final Logger log = LoggerFactory.getLogger(CommandSupport.class);
  static final String MODEL = "model";
  static final String LANGUAGE = "language";
  static final String GLOBAL = "global";
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  final CommandServices s;
  final ButtonIds ids;
  private final Executor slow;

  /**
   * @param slow the bounded executor for work that waits on a Space ({@link #later})
   */
  CommandSupport(CommandServices s, Executor slow) {
    this.s = s;
    this.ids = ButtonIds.load(s.settings());
    this.slow = slow;
  }

  /**
   * Runs {@code work} (which waits on a Space) on the slow-work threads and answers at once with a
   * {@link Reply.Kind#PENDING} reply saying {@code workingKey}; its later answer is what {@code
   * work} returns, or "something went wrong (ref …)" when it throws. When the slow-work queue is
   * full the answer is "busy, try again" now.
   */
  Reply later(CommandContext ctx, String workingKey, Supplier<Reply> work) {
    CompletableFuture<Reply> answer = new CompletableFuture<>();
    try {
      slow.execute(
          () -> {
            try {
              answer.complete(work.get());
            } catch (RuntimeException e) {
              String ref = dev.imaginebot.core.FaultRef.next();
              log.error("Slow command work for {} failed (ref {})", ctx.user().key(), ref, e);
              answer.complete(error(ctx, ErrorCode.INTERNAL, ref));
            }
          });
    } catch (RejectedExecutionException e) {
      return error(ctx, ErrorCode.BOT_BUSY);
    }
    return Reply.pending(text(ctx, workingKey), answer);
  }

  static String userScope(UserRef user) {
    return "user:" + user.key();
  }

  static String chatScope(CommandContext ctx) {
    return "chat:" + ctx.chat().key();
  }

  /** The user's language: their setting, else their platform's, else the configured default. */
  String language(UserRef user) {
    return language(user.key(), user.language());
  }

  /**
   * As {@link #language(UserRef)}, for the user {@code userKey} whose platform says {@code tag}.
   */
  String language(String userKey, String tag) {
    Optional<String> stored = s.settings().get("user:" + userKey, LANGUAGE);
    String lang = stored.map(Messages::normalize).orElse(null);
    if (lang == null) lang = Messages.normalize(tag);
    if (lang == null) lang = s.messages().language(s.config().defaultLanguage());
    return lang;
  }

  String lang(CommandContext ctx) {
    return language(ctx.user());
  }

  boolean botAdmin(CommandContext ctx) {
    return s.config().admins().contains(ctx.user().key());
  }

  /** A bot admin, or an admin of the chat the command was sent in (for that chat only). */
  boolean admin(CommandContext ctx) {
    return botAdmin(ctx) || ctx.platformAdmin();
  }

  /**
   * True when the sender may act as an admin on something that belongs to {@code chatKey}: a bot
   * admin anywhere, a chat's admin only in their own chat.
   */
  boolean adminOf(CommandContext ctx, String chatKey) {
    return botAdmin(ctx) || (ctx.platformAdmin() && ctx.chat().key().equals(chatKey));
  }

  /** Records an admin action in the audit log, under the chat it happened in. */
  void audit(CommandContext ctx, String action, String detail) {
    s.audit().record(ctx.user().key(), ctx.chat().key(), action, detail);
  }

  String text(CommandContext ctx, String key, Object... args) {
    return s.messages().text(lang(ctx), key, args);
  }

  Reply error(CommandContext ctx, ErrorCode code, Object... args) {
    return Reply.error(s.messages().error(lang(ctx), code, args));
  }

  Reply errorText(CommandContext ctx, String key, Object... args) {
    return Reply.error(text(ctx, key, args));
  }

  Reply parseError(CommandContext ctx, ParseResult r) {
    String lang = lang(ctx);
    return Reply.error(
        s.messages().text(lang, r.messageKey(), r.args().toArray())
            + "\n"
            + s.messages().text(lang, "hint." + r.error().name()));
  }

  /** The default model: the user's, else the chat's, else the global one, else the configured. */
  String defaultModel(CommandContext ctx) {
    for (String scope : List.of(userScope(ctx.user()), chatScope(ctx), GLOBAL)) {
      Optional<String> alias = s.settings().get(scope, MODEL);
      String chat = ctx.chat().key();
      if (alias.isPresent() && s.registry().find(alias.get(), chat).isPresent()) {
        return s.registry().find(alias.get(), chat).get().alias();
      }
    }
    if (s.registry().find(s.config().defaultModel()).isPresent()) return s.config().defaultModel();
    List<String> all = s.registry().aliases(ctx.chat().key());
    return all.isEmpty() ? s.config().defaultModel() : all.get(0);
  }

  /** Starts a job for the sender, with the default model when the request names none. */
  Reply start(CommandContext ctx, GenerationRequest request) {
    GenerationRequest r = request.model() == null ? request.withModel(defaultModel(ctx)) : request;
    JobEngine.Submitted submitted =
        s.engine()
            .submit(
                ctx.user(),
                ctx.chat(),
                ctx.replyRef(),
                r,
                // The core renders: the view gets texts in the sender's language, fitted images.
                s.renderer().listener(ctx.view(), lang(ctx)),
                ctx.commandKey());
    if (!submitted.ok()) return error(ctx, submitted.error(), submitted.args().toArray());
    // Made before for the same update (handled again after a crash): the job shows itself in the
    // message it had; what the front-end just put up for it goes.
    if (!submitted.fresh()) return Reply.deleteMessage();
    return Reply.jobStarted(submitted.jobId());
  }

  /** A status in words for anyone (/models): a degraded one says its cause, not the detail. */
  String status(String lang, BackendStatus status) {
    String until = status.until() == null ? "" : TIME.format(status.until()) + " UTC";
    String why =
        status.kind() == BackendStatus.Kind.DEGRADED
            ? s.messages().degraded(lang, status.cause().messageKey())
            : until;
    return s.messages().text(lang, "status." + status.kind().name(), why);
  }

  /**
   * A Space mapping for an admin (/addmodel, /inspect): a sentence in the admin's language around
   * {@link SpaceMapping#describe()}, which stays technical on purpose. It names the Space's own
   * parameters, the canonical keys and the values sent, as the Space's API page and the log do;
   * translated, it could no longer be matched with either.
   */
  String mapping(CommandContext ctx, SpaceMapping mapping) {
    return text(ctx, "mapping.technical", mapping.describe());
  }

  /** A signed button ({@link ButtonIds}) for {@code action} on {@code arg}. */
  Button button(CommandContext ctx, String action, long arg, String key, Object... args) {
    return new Button(ids.id(action, arg), text(ctx, key, args));
  }
}
