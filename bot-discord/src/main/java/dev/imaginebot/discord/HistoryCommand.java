package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /history [page]}: the user's own jobs, newest first, only for them to see. */
final class HistoryCommand extends SlashCommand {
  HistoryCommand(Services services) {
    super(services, "history", true);
  }

  @Override
  SlashCommandData options(SlashCommandData command) {
    return command.addOptions(option(OptionType.INTEGER, "page").setMinValue(1));
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    var page = e.getOption("page");
    handleAndShow(e, name(), page == null ? "" : Long.toString(page.getAsLong()));
  }
}
