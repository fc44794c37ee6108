package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /help}: how to use the bot. */
final class HelpCommand extends SlashCommand {
  HelpCommand(Services services) {
    super(services);
  }

  @Override
  String name() {
    return "help";
  }

  @Override
  SlashCommandData data() {
    return Commands.slash(name(), "How to use the bot")
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
  }

  @Override
  boolean ephemeral(SlashCommandInteractionEvent e) {
    return true;
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    handleAndShow(e, "help", "");
  }
}
