package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobView;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.DiscordLocale;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.interactions.commands.localization.LocalizationFunction;
import net.dv8tion.jda.api.interactions.commands.localization.ResourceBundleLocalizationFunction;

/**
 * One slash command: parse the options, call the core, show its reply. The reply is already
 * deferred when {@link #run} is called (on a worker thread, never JDA's event thread).
 */
abstract class SlashCommand {
  /** For commands that never start a job. */
  static final JobView NO_VIEW = event -> {};

  /**
   * Descriptions, keyed as {@link ResourceBundleLocalizationFunction} expects ({@code
   * imagine.options.prompt.description}): English in the base bundle, Chinese in zh_CN.
   */
  static final String BUNDLE = "dev/imaginebot/discord/commands";

  private static final ResourceBundle ENGLISH = ResourceBundle.getBundle(BUNDLE, Locale.ROOT);

  private static final LocalizationFunction LOCALIZATION =
      ResourceBundleLocalizationFunction.fromBundle(
              ResourceBundle.getBundle(BUNDLE, Locale.SIMPLIFIED_CHINESE),
              DiscordLocale.CHINESE_CHINA)
          .build();

  final Services services;
  private final String name;
  private final boolean ephemeral;

  /**
   * @param name the command's name, as registered
   * @param ephemeral true when only the user should see the reply
   */
  SlashCommand(Services services, String name, boolean ephemeral) {
    this.services = services;
    this.name = name;
    this.ephemeral = ephemeral;
  }

  /** The command's name, as registered. */
  final String name() {
    return name;
  }

  /**
   * The command's definition, registered at start-up: usable in servers and DMs, described in
   * English with Chinese localizations.
   */
  final SlashCommandData data() {
    return options(
        Commands.slash(name, english(name + ".description"))
            .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
            .setLocalizationFunction(LOCALIZATION));
  }

  /** Adds the command's options or subcommands; none by default. */
  SlashCommandData options(SlashCommandData command) {
    return command;
  }

  /** An option of this command, described from the bundle. */
  final OptionData option(OptionType type, String option) {
    return new OptionData(type, option, english(name + ".options." + option + ".description"));
  }

  /** A subcommand of this command, described from the bundle. */
  final SubcommandData subcommand(String sub) {
    return new SubcommandData(sub, english(name + "." + sub + ".description"));
  }

  /** An option of one of this command's subcommands, described from the bundle. */
  final OptionData option(OptionType type, String sub, String option) {
    return new OptionData(
        type, option, english(name + "." + sub + ".options." + option + ".description"));
  }

  private static String english(String key) {
    return ENGLISH.getString(key);
  }

  /** True when only the user should see the reply. */
  final boolean ephemeral(SlashCommandInteractionEvent e) {
    return ephemeral;
  }

  abstract void run(SlashCommandInteractionEvent e);

  /** Runs a core command with no job view and shows its reply. */
  final void handleAndShow(SlashCommandInteractionEvent e, String command, String args) {
    show(e, services.bot().handle(context(e), command, args.strip()), !ephemeral);
  }

  static dev.imaginebot.core.command.CommandContext context(SlashCommandInteractionEvent e) {
    return Interactions.context(e, null, NO_VIEW);
  }

  /** Shows a reply in the deferred original reply, which only the user sees. */
  static void show(SlashCommandInteractionEvent e, Reply reply) {
    show(e, reply, false);
  }

  /**
   * Shows a reply in the deferred original reply. A {@link Reply#personal() personal} reply never
   * goes into an original everyone sees ({@code shownToAll}): that one is deleted and the reply
   * becomes an ephemeral followup.
   */
  static void show(SlashCommandInteractionEvent e, Reply reply, boolean shownToAll) {
    if (reply.personal() && shownToAll) {
      e.getHook().deleteOriginal().complete();
      if (reply.kind() == Reply.Kind.MESSAGE || reply.kind() == Reply.Kind.ERROR) {
        followups(e.getHook(), Text.parts(reply.text()), reply, true);
      }
      return;
    }
    switch (reply.kind()) {
      case JOB_STARTED:
        return;
      case DELETE_MESSAGE:
        e.getHook().deleteOriginal().complete();
        return;
      case MESSAGE:
      case ERROR:
      default:
        List<String> parts = Text.parts(reply.text());
        List<Button> buttons = parts.size() == 1 ? Buttons.of(reply.buttons()) : List.of();
        e.getHook().editOriginal(Payload.text(parts.get(0), buttons).toEdit()).complete();
        followups(e.getHook(), parts.subList(1, parts.size()), reply, !shownToAll);
    }
  }

  /**
   * Sends {@code parts} as followups, in order, with the reply's buttons under the last: the rest
   * of a reply too long for one message.
   */
  static void followups(InteractionHook hook, List<String> parts, Reply reply, boolean ephemeral) {
    for (int i = 0; i < parts.size(); i++) {
      List<Button> buttons = i == parts.size() - 1 ? Buttons.of(reply.buttons()) : List.of();
      hook.sendMessage(Payload.text(parts.get(i), buttons).toCreate())
          .setEphemeral(ephemeral)
          .complete();
    }
  }

  static String option(SlashCommandInteractionEvent e, String name) {
    var o = e.getOption(name);
    return o == null ? null : o.getAsString().strip();
  }
}
