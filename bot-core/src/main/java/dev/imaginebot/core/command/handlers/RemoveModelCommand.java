package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;

/** {@code /removemodel <alias>}: removes a model an admin added. */
final class RemoveModelCommand implements Command {
  private final Env env;

  RemoveModelCommand(Env env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "removemodel";
  }

  @Override
  public boolean adminOnly() {
    return true;
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String alias = args == null ? "" : args.strip();
    if (alias.isEmpty() || alias.contains(" ")) return env.errorText(ctx, "cmd.removemodel.usage");
    var model = env.s.registry().find(alias);
    if (model.isPresent() && model.get().configured()) {
      return env.errorText(ctx, "cmd.removemodel.configured", model.get().alias());
    }
    String name = model.map(m -> m.alias()).orElse(alias);
    if (!env.s.modelStore().remove(name))
      return env.errorText(ctx, "cmd.removemodel.notFound", alias);
    env.s.registry().reload();
    env.s.audit().record(ctx.user().key(), "removemodel", name);
    return Reply.message(env.text(ctx, "cmd.removemodel.ok", name));
  }
}
