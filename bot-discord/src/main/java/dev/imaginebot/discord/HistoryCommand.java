package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /history [page]}: the user's own jobs, newest first, only for them to see. */
final class HistoryCommand extends SlashCommand {
  HistoryCommand(Services services) {
    super(services);
  }

  @Override
  String name() {
    return "history";
  }

  @Override
  SlashCommandData data() {
    return Commands.slash(name(), "Your recent images")
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
        .addOptions(new OptionData(OptionType.INTEGER, "page", "Page").setMinValue(1));
  }

  @Override
  boolean ephemeral(SlashCommandInteractionEvent e) {
    return true;
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    var page = e.getOption("page");
    handleAndShow(e, name(), page == null ? "" : Long.toString(page.getAsLong()));
  }
}
