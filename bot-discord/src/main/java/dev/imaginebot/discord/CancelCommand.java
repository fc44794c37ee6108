package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /cancel}: cancels the user's running or waiting job. */
final class CancelCommand extends SlashCommand {
  CancelCommand(Services services) {
    super(services);
  }

  @Override
  String name() {
    return "cancel";
  }

  @Override
  SlashCommandData data() {
    return Commands.slash(name(), "Cancel your job")
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
  }

  @Override
  boolean ephemeral(SlashCommandInteractionEvent e) {
    return true;
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    handleAndShow(e, "cancel", "");
  }
}
