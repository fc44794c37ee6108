package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** {@code /settings [model] [language]}: shows or changes the user's own defaults. */
final class SettingsCommand extends SlashCommand {
  SettingsCommand(Services services) {
    super(services, "settings", true);
  }

  @Override
  SlashCommandData options(SlashCommandData command) {
    return command.addOptions(
        option(OptionType.STRING, "model").setAutoComplete(true),
        option(OptionType.STRING, "language")
            .addChoice("English", "en")
            .addChoice("\u7b80\u4f53\u4e2d\u6587", "zh-CN"));
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
