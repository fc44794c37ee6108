package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;

/** One command. */
interface Command {
  /** The name users type, without the slash. */
  String name();

  /** True when only admins may run it. */
  default boolean adminOnly() {
    return false;
  }

  Reply run(CommandContext ctx, String args);
}
