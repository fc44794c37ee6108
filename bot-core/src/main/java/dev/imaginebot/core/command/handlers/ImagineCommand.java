package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.request.ParseResult;
import dev.imaginebot.core.request.RequestParser;

/**
 * {@code /imagine <prompt> [model] [--flags]} as text; typed, {@code prompt}, {@code model}, {@code
 * aspect}, {@code seed}, {@code negative}, or a whole {@link GenerationRequest}.
 */
final class ImagineCommand implements Command {
  private final CommandSupport env;
  private final RequestParser parser;

  ImagineCommand(CommandSupport env) {
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

  @Override
  public Reply run(CommandContext ctx, CommandOptions o) {
    return request(ctx, o.generationRequest());
  }

  /** Starts a typed request: checked as flags are, the prompt taken literally. */
  Reply request(CommandContext ctx, GenerationRequest request) {
    ParseResult r = parser.check(request, env.s.registry().aliases(ctx.chat().key()));
    if (!r.ok()) return env.parseError(ctx, r);
    return env.start(ctx, r.request());
  }
}
