package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import java.util.ArrayList;
import java.util.List;
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
    String model = option(e, "model");
    String language = option(e, "language");
    if (model == null && language == null) {
      handleAndShow(e, name(), "");
      return;
    }
    // The core takes one setting per command; both options make two calls, one reply.
    List<String> texts = new ArrayList<>();
    Reply last = null;
    if (model != null) {
      last = services.bot().handle(context(e), name(), "model " + model);
      texts.add(last.text());
    }
    if (language != null) {
      last = services.bot().handle(context(e), name(), "language " + language);
      texts.add(last.text());
    }
    show(e, new Reply(last.kind(), String.join("\n", texts), List.of(), true, 0));
  }
}
