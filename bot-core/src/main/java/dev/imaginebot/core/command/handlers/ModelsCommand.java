package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.model.Model;

/** {@code /models}: every model with its health. */
final class ModelsCommand implements Command {
  private final CommandSupport env;

  ModelsCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "models";
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    return run(ctx, "");
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String lang = env.lang(ctx);
    StringBuilder out =
        new StringBuilder(env.text(ctx, "cmd.models.header", env.defaultModel(ctx)));
    for (Model m : env.s.registry().models(ctx.chat().key())) {
      out.append('\n')
          .append(
              env.text(
                  ctx,
                  "cmd.models.line",
                  m.alias(),
                  m.displayName(),
                  env.status(lang, env.s.registry().status(m))));
    }
    return Reply.message(out.toString());
  }
}
