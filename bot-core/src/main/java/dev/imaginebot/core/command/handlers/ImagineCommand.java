package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.request.ParseResult;
import dev.imaginebot.core.request.RequestParser;

/** {@code /imagine <prompt> [model] [--flags]}. */
final class ImagineCommand implements Command {
  private final Env env;
  private final RequestParser parser;

  ImagineCommand(Env env) {
    this.env = env;
    this.parser = new RequestParser(env.s.config().limits().maxPromptLength());
  }

  @Override
  public String name() {
    return "imagine";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    ParseResult r = parser.parse(args, env.s.registry().aliases(ctx.chat().key()));
    if (!r.ok()) return env.parseError(ctx, r);
    return env.start(ctx, r.request());
  }
}
