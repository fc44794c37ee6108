package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;

/** {@code /cancel}: cancels the user's running or waiting job. */
final class CancelCommand extends SlashCommand {
  CancelCommand(Services services) {
    super(services, "cancel", true);
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    handleAndShow(e, name(), "");
  }
}
