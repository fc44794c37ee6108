package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobView;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/**
 * One slash command: parse the options, call the core, show its reply. The reply is already
 * deferred when {@link #run} is called (on a worker thread, never JDA's event thread).
 */
abstract class SlashCommand {
  /** For commands that never start a job. */
  static final JobView NO_VIEW = event -> {};

  final Services services;

  SlashCommand(Services services) {
    this.services = services;
  }

  /** The command's name, as registered. */
  abstract String name();

  /** The command's definition, registered at start-up. */
  abstract SlashCommandData data();

  /** True when only the user should see the reply. */
  boolean ephemeral(SlashCommandInteractionEvent e) {
    return false;
  }

  abstract void run(SlashCommandInteractionEvent e);

  /** Runs a core command with no job view and shows its reply. */
  final void handleAndShow(SlashCommandInteractionEvent e, String command, String args) {
    show(e, services.bot().handle(context(e), command, args.strip()));
  }

  static dev.imaginebot.core.command.CommandContext context(SlashCommandInteractionEvent e) {
    return Interactions.context(e, null, NO_VIEW);
  }

  /** Shows a reply in the deferred original reply. */
  static void show(SlashCommandInteractionEvent e, Reply reply) {
    switch (reply.kind()) {
      case JOB_STARTED:
        return;
      case DELETE_MESSAGE:
        e.getHook().deleteOriginal().complete();
        return;
      case MESSAGE:
      case ERROR:
      default:
        e.getHook()
            .editOriginal(Payload.text(reply.text(), Buttons.of(reply.buttons())).toEdit())
            .complete();
    }
  }

  static String option(SlashCommandInteractionEvent e, String name) {
    var o = e.getOption(name);
    return o == null ? null : o.getAsString().strip();
  }
}
