package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/**
 * {@code /admin setdefault|setglobal|addmodel|removemodel|inspect|audit}: mapped to the core's
 * admin commands, which check on every call that the user is a bot admin or (as this front-end
 * says, from the interaction) has Manage Server.
 */
final class AdminCommand extends SlashCommand {
  AdminCommand(Services services) {
    super(services, "admin", true);
  }

  @Override
  SlashCommandData options(SlashCommandData command) {
    return command.addSubcommands(
        subcommand("setdefault").addOptions(model("setdefault")),
        subcommand("setglobal").addOptions(model("setglobal")),
        subcommand("addmodel")
            .addOptions(
                option(OptionType.STRING, "addmodel", "alias").setRequired(true),
                option(OptionType.STRING, "addmodel", "space").setRequired(true),
                option(OptionType.STRING, "addmodel", "endpoint")),
        subcommand("removemodel").addOptions(model("removemodel")),
        subcommand("inspect").addOptions(model("inspect")),
        subcommand("audit").addOptions(option(OptionType.INTEGER, "audit", "page").setMinValue(1)));
  }

  private OptionData model(String sub) {
    return option(OptionType.STRING, sub, "model").setRequired(true).setAutoComplete(true);
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    String sub = e.getSubcommandName() == null ? "" : e.getSubcommandName();
    switch (sub) {
      case "setdefault":
        handleAndShow(e, "setdefault", option(e, "model"));
        return;
      case "setglobal":
        handleAndShow(e, "setdefault", option(e, "model") + " global");
        return;
      case "addmodel":
        String endpoint = option(e, "endpoint");
        handleAndShow(
            e,
            "addmodel",
            option(e, "alias")
                + " "
                + option(e, "space")
                + (endpoint == null ? "" : " " + endpoint));
        return;
      case "removemodel":
      case "inspect":
        handleAndShow(e, sub, option(e, "model"));
        return;
      case "audit":
        var page = e.getOption("page");
        handleAndShow(e, "audit", page == null ? "" : Long.toString(page.getAsLong()));
        return;
      default:
        handleAndShow(e, "admin", sub);
    }
  }
}
