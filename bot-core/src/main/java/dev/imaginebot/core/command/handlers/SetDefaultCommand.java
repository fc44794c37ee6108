package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ErrorCode;

/**
 * {@code /setdefault <model> [global]}: the chat's default model, or (bot admins) the global one.
 */
final class SetDefaultCommand implements Command {
  private final CommandSupport env;

  SetDefaultCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "setdefault";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String[] words = args == null || args.isBlank() ? new String[0] : args.strip().split("\\s+");
    boolean global = words.length == 2 && words[1].equalsIgnoreCase("global");
    if (words.length == 0 || words.length > 2 || (words.length == 2 && !global)) {
      return env.errorText(ctx, "cmd.setdefault.usage");
    }
    return set(ctx, words[0], global);
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    String model = options.text("model");
    if (model == null) return env.errorText(ctx, "cmd.setdefault.usage");
    return set(ctx, model, options.flag("global"));
  }

  private Reply set(CommandContext ctx, String name, boolean global) {
    if (global && !env.botAdmin(ctx)) return env.error(ctx, ErrorCode.NOT_ALLOWED);
    // The global default must be a model every chat sees; a chat's may be one of its own.
    var model =
        global ? env.s.registry().find(name) : env.s.registry().find(name, ctx.chat().key());
    if (model.isEmpty()) return SettingsCommand.unknownModel(env, ctx, name);
    String alias = model.get().alias();
    if (global) {
      env.s.settings().put(CommandSupport.GLOBAL, CommandSupport.MODEL, alias);
      env.audit(ctx, "setdefault", "global " + alias);
      return Reply.message(env.text(ctx, "cmd.setdefault.global", alias));
    }
    env.s.settings().put(CommandSupport.chatScope(ctx), CommandSupport.MODEL, alias);
    env.audit(ctx, "setdefault", ctx.chat().key() + " " + alias);
    return Reply.message(env.text(ctx, "cmd.setdefault.chat", alias));
  }
}
