package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /models}: lists the models and their status. */
final class ModelsCommand extends SlashCommand {
  ModelsCommand(Services services) {
    super(services);
  }

  @Override
  String name() {
    return "models";
  }

  @Override
  SlashCommandData data() {
    return Commands.slash(name(), "List the models and their status")
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    handleAndShow(e, "models", "");
  }
}
