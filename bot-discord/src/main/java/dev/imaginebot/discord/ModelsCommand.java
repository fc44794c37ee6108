package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;

/** {@code /models}: lists the models and their status. */
final class ModelsCommand extends SlashCommand {
  ModelsCommand(Services services) {
    super(services, "models", false);
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    handleAndShow(e, name(), "");
  }
}
