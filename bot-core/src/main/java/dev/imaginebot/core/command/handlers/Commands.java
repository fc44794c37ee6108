package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.DaemonThreads;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Routes commands and button presses to their handlers, checking admin rights on every call: bot
 * admins (configured) for what is global, a chat's admins for their chat only. Who may run what is
 * the catalogue's ({@link CommandCatalogue}); every command in it has a handler here. Owns the
 * bounded threads that wait on Spaces for {@code /addmodel} and {@code /inspect}; {@link #close}
 * stops them. Thread-safe.
 */
public final class Commands implements AutoCloseable {
  /** Threads that may wait on a Space at once for commands, and the most waiting for a thread. */
  static final int SLOW_THREADS = 4;

  static final int SLOW_QUEUE = 64;

  private final CommandSupport env;
  private final Map<String, Command> byName = new LinkedHashMap<>();
  private final ButtonPresses buttons;
  private final ThreadPoolExecutor slow;
  private final ImagineCommand imagine;

  public Commands(CommandServices services) {
    this.slow =
        new ThreadPoolExecutor(
            SLOW_THREADS,
            SLOW_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(SLOW_QUEUE),
            DaemonThreads.named("core-commands"));
    slow.allowCoreThreadTimeOut(true);
    this.env = new CommandSupport(services, slow);
    CancelCommand cancel = new CancelCommand(env);
    HistoryCommand history = new HistoryCommand(env);
    this.imagine = new ImagineCommand(env);
    for (Command c :
        List.of(
            imagine,
            new ModelsCommand(env),
            history,
            cancel,
            new SettingsCommand(env),
            new HelpCommand(env),
            new SetDefaultCommand(env),
            new AddModelCommand(env),
            new RemoveModelCommand(env),
            new InspectCommand(env),
            new AuditCommand(env))) {
      if (CommandCatalogue.find(c.name()).isEmpty()) {
        throw new IllegalStateException("command " + c.name() + " is not in the catalogue");
      }
      byName.put(c.name(), c);
    }
    for (CommandSpec spec : CommandCatalogue.all()) {
      if (!byName.containsKey(spec.name())) {
        throw new IllegalStateException("no handler for catalogue command " + spec.name());
      }
    }
    this.buttons = new ButtonPresses(env, cancel, history);
  }

  /** Runs a command by name (a leading slash is ignored) from its text. */
  public Reply handle(CommandContext ctx, String command, String args) {
    String name = name(command);
    Optional<Reply> refused = refuse(ctx, name);
    if (refused.isPresent()) return refused.get();
    return byName.get(name).run(ctx, args == null ? "" : args);
  }

  /** Runs a command by name from typed options. */
  public Reply run(CommandContext ctx, String command, CommandOptions options) {
    String name = name(command);
    Optional<Reply> refused = refuse(ctx, name);
    if (refused.isPresent()) return refused.get();
    return byName.get(name).run(ctx, options == null ? CommandOptions.none() : options);
  }

  /** Starts a job for a typed request ({@code imagine} without the text grammar). */
  public Reply imagine(CommandContext ctx, GenerationRequest request) {
    return imagine.request(ctx, request);
  }

  private static String name(String command) {
    String name = command == null ? "" : command.strip().toLowerCase(Locale.ROOT);
    return name.startsWith("/") ? name.substring(1) : name;
  }

  private Optional<Reply> refuse(CommandContext ctx, String name) {
    Optional<CommandSpec> spec = CommandCatalogue.find(name);
    if (spec.isEmpty()) return Optional.of(env.error(ctx, ErrorCode.UNKNOWN_COMMAND, name));
    if (spec.get().adminOnly() && !env.admin(ctx)) {
      return Optional.of(env.error(ctx, ErrorCode.NOT_ALLOWED));
    }
    return Optional.empty();
  }

  /** The signed buttons for a job's message after {@code event} (see {@code Bot#buttons}). */
  public List<Button> buttons(JobEvent event, String language) {
    return buttons.of(event, language);
  }

  /** Handles a button press. */
  public Reply press(CommandContext ctx, String buttonId) {
    return buttons.press(ctx, buttonId);
  }

  /**
   * The language of the user {@code userKey} (their setting, else {@code platformTag}, else the
   * default), for a job shown again after a restart.
   */
  public String language(String userKey, String platformTag) {
    return env.language(userKey, platformTag);
  }

  /** The sender's language (their setting, their platform's, the default). */
  public String language(CommandContext ctx) {
    return env.lang(ctx);
  }

  /**
   * Stops the slow-work threads: work in progress is interrupted, and its callers get no answer
   * (the bot is stopping).
   */
  @Override
  public void close() {
    slow.shutdownNow();
  }
}
