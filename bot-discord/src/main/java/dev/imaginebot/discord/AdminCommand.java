package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;

/**
 * {@code /admin setdefault|setglobal|addmodel|removemodel|inspect|audit}: mapped to the core's
 * admin commands, which check on every call that the user is a bot admin or (as this front-end
 * says, from the interaction) has Manage Server.
 */
final class AdminCommand extends SlashCommand {
  AdminCommand(Services services) {
    super(services);
  }

  @Override
  String name() {
    return "admin";
  }

  @Override
  SlashCommandData data() {
    return Commands.slash(name(), "Bot administration")
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
        .addSubcommands(
            new SubcommandData("setdefault", "Set this server's default model")
                .addOptions(model(true)),
            new SubcommandData("setglobal", "Set the default model everywhere (bot admins)")
                .addOptions(model(true)),
            new SubcommandData("addmodel", "Add a model backed by a Space")
                .addOptions(
                    new OptionData(OptionType.STRING, "alias", "What users type", true),
                    new OptionData(OptionType.STRING, "space", "Space id or URL", true),
                    new OptionData(OptionType.STRING, "endpoint", "Endpoint, if not discovered")),
            new SubcommandData("removemodel", "Remove a model").addOptions(model(true)),
            new SubcommandData("inspect", "Show a model's Space, endpoint and parameters")
                .addOptions(model(true)),
            new SubcommandData("audit", "Recent settings and model changes")
                .addOptions(new OptionData(OptionType.INTEGER, "page", "Page").setMinValue(1)));
  }

  private static OptionData model(boolean required) {
    return new OptionData(OptionType.STRING, "model", "Model", required).setAutoComplete(true);
  }

  @Override
  boolean ephemeral(SlashCommandInteractionEvent e) {
    return true;
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
