package dev.imaginebot.discord;

import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.OptionSpec;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.interactions.DiscordLocale;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;

/**
 * Discord's slash commands, made from the core's catalogue: each top-level command, and each group
 * as one command with its members as subcommands ({@code /admin inspect}); usable in servers and
 * DMs, described in English with Chinese localizations from the core's bundles.
 */
final class SlashDefinitions {
  private SlashDefinitions() {}

  /** What to register, sorted by name. */
  static List<SlashCommandData> all() {
    List<SlashCommandData> out = new ArrayList<>();
    for (CommandSpec c : CommandCatalogue.all()) {
      if (c.group() != null) continue;
      SlashCommandData data = command(c.name(), c.descriptionKey());
      for (OptionSpec o : c.options()) data.addOptions(option(o));
      out.add(data);
    }
    for (String group : CommandCatalogue.groups()) {
      SlashCommandData data = command(group, CommandCatalogue.groupDescriptionKey(group));
      for (CommandSpec c : CommandCatalogue.all()) {
        if (!group.equals(c.group())) continue;
        SubcommandData sub =
            new SubcommandData(c.name(), english(c.descriptionKey()))
                .setDescriptionLocalization(
                    DiscordLocale.CHINESE_CHINA, chinese(c.descriptionKey()));
        for (OptionSpec o : c.options()) sub.addOptions(option(o));
        data.addSubcommands(sub);
      }
      out.add(data);
    }
    out.sort((a, b) -> a.getName().compareTo(b.getName()));
    return out;
  }

  private static SlashCommandData command(String name, String key) {
    return Commands.slash(name, english(key))
        .setDescriptionLocalization(DiscordLocale.CHINESE_CHINA, chinese(key))
        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
  }

  private static OptionData option(OptionSpec o) {
    OptionData data =
        new OptionData(type(o.type()), o.name(), english(o.descriptionKey()), o.required())
            .setDescriptionLocalization(DiscordLocale.CHINESE_CHINA, chinese(o.descriptionKey()));
    if (o.type() == OptionSpec.Type.MODEL) data.setAutoComplete(true);
    for (OptionSpec.Choice c : o.choices()) data.addChoice(c.label(), c.value());
    if (o.min() != null) data.setMinValue(o.min());
    if (o.maxLength() != null) data.setMaxLength(o.maxLength());
    return data;
  }

  private static OptionType type(OptionSpec.Type type) {
    switch (type) {
      case INTEGER:
        return OptionType.INTEGER;
      case BOOLEAN:
        return OptionType.BOOLEAN;
      default:
        return OptionType.STRING;
    }
  }

  private static String english(String key) {
    return CommandCatalogue.describe(key, "en");
  }

  private static String chinese(String key) {
    return CommandCatalogue.describe(key, "zh-CN");
  }
}
