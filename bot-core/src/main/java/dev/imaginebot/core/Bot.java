package dev.imaginebot.core;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.PendingUpdate;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.StoredImage;
import java.time.Duration;
import java.util.List;

/**
 * The core as front-ends see it. Every method returns quickly (jobs run on the core's own threads)
 * and never throws for bad user input: that becomes an error {@link Reply} or a {@code Failed}
 * event with a stable code.
 *
 * <p>The commands, their options and who may run them are listed, as data, by {@link
 * dev.imaginebot.core.command.CommandCatalogue}: front-ends build their menus from it. A command
 * that waits on a Space answers {@link Reply.Kind#PENDING} at once and its answer later.
 */
public interface Bot extends AutoCloseable {

  /**
   * Starts the core: opens (and migrates) the database, reads the configured Spaces' APIs in the
   * background, resumes jobs left over from a previous run once their front-end registers.
   */
  static Bot start(CoreConfig config) {
    return dev.imaginebot.core.internal.RealBot.start(config);
  }

  /**
   * Runs a command. {@code args} is the text after the command name, for example {@code "a red fox
   * --ar 16:9 flux"} for {@code imagine}.
   */
  Reply handle(CommandContext ctx, String command, String args);

  /**
   * Runs a command with typed options (for platforms that have them, such as Discord's slash
   * options), named and typed as the catalogue says. Option values are never read as the text
   * grammar.
   */
  Reply run(CommandContext ctx, String command, CommandOptions options);

  /**
   * Starts a job for a typed request, as {@code imagine} does for parsed text: checks the request
   * (prompt length, model, aspect ratio, seed range; a null model is the sender's default) and
   * answers {@link Reply.Kind#JOB_STARTED} or an error. The prompt is taken literally.
   */
  Reply imagine(CommandContext ctx, GenerationRequest request);

  /** Handles a button press (see {@code Button#id()} for the ids). */
  Reply press(CommandContext ctx, String buttonId);

  /** Registers a front-end; jobs in flight from a previous run are reattached to it. */
  void register(FrontEnd frontEnd);

  /** Model aliases, for autocomplete, best first, filtered by a typed prefix. */
  List<String> modelAliases(String prefix);

  /**
   * Like {@link #modelAliases(String)}, as seen in {@code chat}: global models and those the chat's
   * admins added there.
   */
  default List<String> modelAliases(String prefix, ChatRef chat) {
    return modelAliases(prefix);
  }

  /**
   * The text for an event in a language ({@code "en"}, {@code "zh-CN"}; null means default). Job
   * views need not call this: the core renders every update it hands them ({@code JobUpdate}).
   */
  String describe(JobEvent event, String language);

  /**
   * Text for a message key in a language, for platform-specific labels (such as Discord's "this job
   * continues in a new message").
   */
  String text(String language, String key, Object... args);

  /**
   * The buttons to show with a job's message after {@code event}, labelled in {@code language}:
   * Cancel while the job waits or runs; Reroll, Variations and Delete when it is done; Re-run after
   * it failed; none after it was cancelled. The core's own ids are signed; this default, for
   * stand-in bots, makes bare {@code action:job} ids that the real core calls expired.
   */
  default List<Button> buttons(JobEvent event, String language) {
    long id = event.jobId();
    if (id == 0 || event instanceof JobEvent.Cancelled) return List.of();
    if (event instanceof JobEvent.Completed) {
      return List.of(
          new Button("reroll:" + id, text(language, "button.reroll")),
          new Button("vary:" + id, text(language, "button.vary")),
          new Button("delete:" + id, text(language, "button.delete")));
    }
    if (event instanceof JobEvent.Failed) {
      return List.of(new Button("rerun:" + id, text(language, "button.rerun", id)));
    }
    return List.of(new Button("cancel:" + id, text(language, "button.cancel")));
  }

  /**
   * The image re-encoded (and if need be scaled down) to fit in {@code maxBytes}; the original if
   * it already fits. Job views get their images fitted already (see {@code JobView#limits}).
   */
  byte[] fit(StoredImage image, long maxBytes);

  /**
   * Stores a platform update before the platform is told it arrived (Telegram's offset, a webhook's
   * 200), so that a crash cannot lose it: the next start hands it back through {@link #pending}
   * until {@link #handled} is called. Returns false when the update was stored before (the platform
   * redelivered it): do not handle it again. Fast: one database write.
   *
   * @throws RuntimeException when it could not be stored: do not acknowledge the update
   */
  default boolean receive(String platform, String key, String payload) {
    return true;
  }

  /** The update {@code key} was handled: a job it started is stored, or its answer was sent. */
  default void handled(String platform, String key) {}

  /** Updates stored but not handled when the bot last stopped, oldest first. */
  default List<PendingUpdate> pending(String platform) {
    return List.of();
  }

  /**
   * Records that job {@code jobId} is now shown in the message {@code replyRef} names (a front-end
   * that sends the job's status message after starting it), so a restart edits that message.
   */
  default void moved(long jobId, String replyRef) {}

  /**
   * Asks for a role that one instance at a time plays among those sharing this bot's database (see
   * {@link Role}); {@code listener} hears when this instance gets and loses it. This default, for a
   * single process and for stand-in bots, grants the role at once.
   *
   * @param name the role, for example {@code "telegram-poller:<bot id>"}
   */
  default Role requestRole(String name, Role.Listener listener) {
    return dev.imaginebot.core.store.RoleLock.local(name, listener);
  }

  /**
   * How the core is, for an operations endpoint: whether its database answers a trivial query now.
   * Blocks for at most a few seconds (a database that does not answer in time counts as down); call
   * it from an operations thread, not a platform's event thread. This default, for stand-in bots
   * without a database, reports it reachable.
   */
  default Health health() {
    return new Health(true);
  }

  /**
   * The core's health at one moment.
   *
   * @param database true when the database answered a {@code SELECT 1} within the check's timeout
   */
  record Health(boolean database) {}

  /**
   * The first half of a graceful stop: takes no more jobs and lets running ones finish and report
   * their outcome, for up to {@code deadline}; what is left resumes at the next start. Front-ends
   * stay open meanwhile to deliver, and are closed before {@link #close}.
   */
  default void drain(Duration deadline) {}

  /** Stops taking jobs, lets running ones finish up to a deadline, leaves the rest resumable. */
  @Override
  void close();
}
