package dev.imaginebot.discord;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /settings [model] [language]}: shows or changes the user's own defaults. */
final class SettingsCommand extends SlashCommand {
  SettingsCommand(Services services) {
    super(services);
  }

  @Override
  String name() {
    return "settings";
  }

  @Override
  SlashCommandData data() {
    return Commands.slash(name(), "Your default model and language")
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
        .addOptions(
            new OptionData(OptionType.STRING, "model", "Your default model").setAutoComplete(true),
            new OptionData(OptionType.STRING, "language", "Language")
                .addChoice("English", "en")
                .addChoice("\u7b80\u4f53\u4e2d\u6587", "zh-CN"));
  }

  @Override
  boolean ephemeral(SlashCommandInteractionEvent e) {
    return true;
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    StringBuilder args = new StringBuilder();
    String model = option(e, "model");
    if (model != null) args.append("model ").append(model).append(' ');
    String language = option(e, "language");
    if (language != null) args.append("language ").append(language);
    handleAndShow(e, name(), args.toString());
  }
}
