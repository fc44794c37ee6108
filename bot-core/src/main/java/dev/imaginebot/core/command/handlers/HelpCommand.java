package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;

/** {@code /help}. */
final class HelpCommand implements Command {
  private final CommandSupport env;

  HelpCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "help";
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    return run(ctx, "");
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    return Reply.message(env.text(ctx, "help.text")).asEphemeral();
  }
}
