package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;

/**
 * One command's handler. What it is called and who may run it is in the catalogue ({@code
 * CommandCatalogue}); both ways in end in the same typed method of the handler.
 */
interface Command {
  /** The name users type, without the slash, as in the catalogue. */
  String name();

  /** Runs it from the text after the command name (text platforms: its text grammar). */
  Reply run(CommandContext ctx, String args);

  /** Runs it from typed options, named as the catalogue says (never read as text grammar). */
  Reply run(CommandContext ctx, CommandOptions options);
}
