package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;

/** {@code /help}: how to use the bot. */
final class HelpCommand extends SlashCommand {
  HelpCommand(Services services) {
    super(services, "help", true);
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    handleAndShow(e, name(), "");
  }
}
