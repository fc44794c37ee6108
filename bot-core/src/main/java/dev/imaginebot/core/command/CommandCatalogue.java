package dev.imaginebot.core.command;

import dev.imaginebot.core.command.CommandSpec.Access;
import dev.imaginebot.core.command.OptionSpec.Choice;
import dev.imaginebot.core.command.OptionSpec.Type;
import dev.imaginebot.core.i18n.Messages;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Every command the core answers, as data: front-ends generate their platform's command lists from
 * it (so a new command is added in the core alone) and route what users send by its names.
 * Descriptions are message keys in the core's bundles.
 */
public final class CommandCatalogue {
  /** The group of the admin commands ({@code /admin <command>} where commands nest). */
  public static final String ADMIN = "admin";

  /** The aspect ratios offered as choices (the text grammar takes any ratio up to 4:1). */
  public static final List<String> ASPECTS =
      List.of("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9");

  private static final List<CommandSpec> ALL = build();

  private static final Messages TEXTS = new Messages("en");

  private CommandCatalogue() {}

  /** Every command, in the order menus list them: everyone's first, then the admins'. */
  public static List<CommandSpec> all() {
    return ALL;
  }

  /** The command called {@code name} (case-insensitive, a leading slash ignored), if any. */
  public static Optional<CommandSpec> find(String name) {
    if (name == null) return Optional.empty();
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.startsWith("/")) n = n.substring(1);
    for (CommandSpec c : ALL) {
      if (c.name().equals(n)) return Optional.of(c);
    }
    return Optional.empty();
  }

  /** The groups commands are in, in order of first use. */
  public static Set<String> groups() {
    Set<String> groups = new LinkedHashSet<>();
    for (CommandSpec c : ALL) {
      if (c.group() != null) groups.add(c.group());
    }
    return groups;
  }

  /** The message key of a group's description. */
  public static String groupDescriptionKey(String group) {
    return "command.group." + group;
  }

  /**
   * The text of one of the catalogue's description keys in {@code language} ({@code "en"}, {@code
   * "zh-CN"}; anything else is English), for menus made at start-up. Static: a menu is the same for
   * every user, whatever their {@code /settings language}.
   */
  public static String describe(String key, String language) {
    return TEXTS.text(language, key);
  }

  /**
   * Every message key the catalogue uses (commands, options, groups): each must be in every bundle.
   */
  public static List<String> messageKeys() {
    List<String> keys = new ArrayList<>();
    for (CommandSpec c : ALL) {
      keys.add(c.descriptionKey());
      for (OptionSpec o : c.options()) keys.add(o.descriptionKey());
    }
    for (String g : groups()) keys.add(groupDescriptionKey(g));
    return keys;
  }

  private static List<CommandSpec> build() {
    List<Choice> aspects = new ArrayList<>();
    for (String a : ASPECTS) aspects.add(new Choice(a, a));
    return List.of(
        command(
            "imagine",
            null,
            Access.EVERYONE,
            false,
            new OptionSpec(
                "prompt", key("imagine", "prompt"), Type.TEXT, true, List.of(), null, 1500),
            option("imagine", "model", Type.MODEL, false),
            new OptionSpec(
                "aspect", key("imagine", "aspect"), Type.CHOICE, false, aspects, null, null),
            new OptionSpec(
                "seed", key("imagine", "seed"), Type.INTEGER, false, List.of(), 0L, null),
            option("imagine", "negative", Type.TEXT, false)),
        command("models", null, Access.EVERYONE, false),
        command("history", null, Access.EVERYONE, true, positive("history", "page")),
        command("cancel", null, Access.EVERYONE, true, positive("cancel", "job")),
        command(
            "settings",
            null,
            Access.EVERYONE,
            true,
            option("settings", "model", Type.MODEL, false),
            new OptionSpec(
                "language",
                key("settings", "language"),
                Type.CHOICE,
                false,
                List.of(
                    new Choice("en", "English"), new Choice("zh-CN", "\u7b80\u4f53\u4e2d\u6587")),
                null,
                null)),
        command("help", null, Access.EVERYONE, true),
        command(
            "setdefault",
            ADMIN,
            Access.CHAT_ADMIN,
            true,
            option("setdefault", "model", Type.MODEL, true),
            option("setdefault", "global", Type.BOOLEAN, false)),
        command(
            "addmodel",
            ADMIN,
            Access.CHAT_ADMIN,
            true,
            option("addmodel", "alias", Type.TEXT, true),
            option("addmodel", "space", Type.TEXT, true),
            option("addmodel", "endpoint", Type.TEXT, false)),
        command(
            "removemodel",
            ADMIN,
            Access.CHAT_ADMIN,
            true,
            option("removemodel", "model", Type.MODEL, true)),
        command(
            "inspect",
            ADMIN,
            Access.CHAT_ADMIN,
            true,
            option("inspect", "model", Type.MODEL, true)),
        command("audit", ADMIN, Access.CHAT_ADMIN, true, positive("audit", "count")));
  }

  private static CommandSpec command(
      String name, String group, Access access, boolean personal, OptionSpec... options) {
    return new CommandSpec(name, "command." + name, group, access, personal, List.of(options));
  }

  private static OptionSpec option(String command, String name, Type type, boolean required) {
    return new OptionSpec(name, key(command, name), type, required, List.of(), null, null);
  }

  private static OptionSpec positive(String command, String name) {
    return new OptionSpec(name, key(command, name), Type.INTEGER, false, List.of(), 1L, null);
  }

  private static String key(String command, String option) {
    return "command." + command + "." + option;
  }
}
