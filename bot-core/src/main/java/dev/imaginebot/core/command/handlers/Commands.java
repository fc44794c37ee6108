package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Routes commands and button presses to their handlers, checking admin rights on every call: bot
 * admins (configured) for what is global, a chat's admins for their chat only. Thread-safe.
 */
public final class Commands {
  private final Env env;
  private final Map<String, Command> byName = new LinkedHashMap<>();
  private final Buttons buttons;

  public Commands(Services services) {
    this.env = new Env(services);
    CancelCommand cancel = new CancelCommand(env);
    HistoryCommand history = new HistoryCommand(env);
    for (Command c :
        List.of(
            new ImagineCommand(env),
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
      byName.put(c.name(), c);
    }
    this.buttons = new Buttons(env, cancel, history);
  }

  /** Runs a command by name (a leading slash is ignored). */
  public Reply handle(CommandContext ctx, String command, String args) {
    String name = command == null ? "" : command.strip().toLowerCase(Locale.ROOT);
    if (name.startsWith("/")) name = name.substring(1);
    Command c = byName.get(name);
    if (c == null) return env.error(ctx, ErrorCode.UNKNOWN_COMMAND, name);
    if (c.adminOnly() && !env.admin(ctx)) return env.error(ctx, ErrorCode.NOT_ALLOWED);
    return c.run(ctx, args == null ? "" : args);
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
}
