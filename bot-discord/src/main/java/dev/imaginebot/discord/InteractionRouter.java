package dev.imaginebot.discord;

import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.OptionSpec;
import dev.imaginebot.core.job.JobEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import net.dv8tion.jda.api.events.interaction.GenericInteractionCreateEvent;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes interactions off JDA's event thread: acknowledges at once (well inside Discord's three
 * seconds), then runs the handler on a worker. The commands are the core's catalogue ({@link
 * SlashDefinitions}); a grouped one arrives as its group's subcommand. The boundary where faults
 * are logged once and the user gets "something went wrong (ref …)".
 */
final class InteractionRouter extends ListenerAdapter {
  private static final Logger log = LoggerFactory.getLogger(InteractionRouter.class);
  private static final int CHOICES_MAX = 25;

  private final DiscordServices services;
  private final Map<String, SlashCommand> commands;
  private final ButtonHandler buttons;

  InteractionRouter(DiscordServices services) {
    this.services = services;
    Map<String, SlashCommand> byName = new HashMap<>();
    for (CommandSpec spec : CommandCatalogue.all()) {
      byName.put(
          spec.name(),
          spec.name().equals(DiscordImagine.NAME)
              ? new DiscordImagine(services)
              : new SlashCommand(services, spec));
    }
    this.commands = Map.copyOf(byName);
    this.buttons = new ButtonHandler(services);
  }

  List<SlashCommandData> commandData() {
    return SlashDefinitions.all();
  }

  /** The catalogue command an interaction names: {@code /name}, or {@code /group name}. */
  private SlashCommand command(String name, String subcommand) {
    if (CommandCatalogue.groups().contains(name)) {
      SlashCommand c = subcommand == null ? null : commands.get(subcommand);
      return c != null && name.equals(c.spec.group()) ? c : null;
    }
    SlashCommand c = commands.get(name);
    return c != null && c.spec.group() == null ? c : null;
  }

  @Override
  public void onSlashCommandInteraction(SlashCommandInteractionEvent e) {
    SlashCommand command = command(e.getName(), e.getSubcommandName());
    if (command == null) {
      // A command left registered by another version of the bot: the core words the refusal.
      log.warn("unknown slash command /{}", e.getName());
      e.deferReply(true).queue(null, err -> log.warn("could not defer: {}", err.toString()));
      submit(
          e,
          e.getHook(),
          "/" + e.getName(),
          () ->
              SlashCommand.show(
                  e, services.bot().handle(SlashCommand.context(e), e.getName(), ""), services));
      return;
    }
    if (command instanceof DiscordImagine && !store(e)) return;
    e.deferReply(command.ephemeral())
        .queue(null, err -> log.warn("/{}: could not defer the reply: {}", e.getName(), err));
    submit(e, e.getHook(), "/" + e.getName(), () -> command.run(e));
  }

  /**
   * Stores a command that starts a job before Discord is told it arrived (the defer): from then on
   * a crash leaves a command the next start finishes in its reply. The store is one quick database
   * write, well inside Discord's 3 seconds. When it fails, the user is told at once.
   */
  private boolean store(SlashCommandInteractionEvent e) {
    return StoredInteraction.store(services, e, "/" + e.getName());
  }

  @Override
  public void onButtonInteraction(ButtonInteractionEvent e) {
    if (!buttons.store(e)) return;
    ButtonHandler.acknowledge(e);
    submit(e, e.getHook(), "button " + e.getComponentId(), () -> buttons.run(e));
  }

  @Override
  public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent e) {
    SlashCommand command = command(e.getName(), e.getSubcommandName());
    OptionSpec.Type type =
        command == null
            ? null
            : command
                .spec
                .option(e.getFocusedOption().getName())
                .map(OptionSpec::type)
                .orElse(null);
    if (type != OptionSpec.Type.MODEL) return;
    String prefix = e.getFocusedOption().getValue().strip().toLowerCase(Locale.ROOT);
    run(
        "autocomplete",
        () -> {
          List<String> aliases = services.bot().modelAliases(prefix, Interactions.chat(e));
          e.replyChoiceStrings(aliases.subList(0, Math.min(CHOICES_MAX, aliases.size())))
              .complete();
        });
  }

  private void submit(
      GenericInteractionCreateEvent e, InteractionHook hook, String what, Runnable task) {
    run(
        what,
        () -> {
          try {
            task.run();
          } catch (RuntimeException ex) {
            String ref = dev.imaginebot.core.FaultRef.next();
            log.error("{} failed (ref {})", what, ref, ex);
            tellUser(e, hook, ref);
          }
        });
  }

  private void tellUser(GenericInteractionCreateEvent e, InteractionHook hook, String ref) {
    try {
      JobEvent failed =
          new JobEvent.Failed(0, dev.imaginebot.core.job.ErrorCode.INTERNAL, ref, Optional.empty());
      String text = services.bot().describe(failed, Interactions.language(e));
      if (e instanceof SlashCommandInteractionEvent s && !publicReply(s)) {
        hook.editOriginal(Payload.text(text).toEdit()).complete();
      } else {
        // A fault is the sender's, as a refusal is: the reply everyone sees goes (a public
        // command's, or a job press's deferred reply; the message a button is on stays), and an
        // ephemeral followup says it.
        if (e instanceof SlashCommandInteractionEvent
            || (e instanceof ButtonInteractionEvent b
                && ButtonHandler.startsJob(b.getComponentId()))) {
          hook.deleteOriginal().complete();
        }
        hook.sendMessage(Payload.text(text).toCreate()).setEphemeral(true).complete();
      }
    } catch (RuntimeException ex) {
      log.warn("could not tell the user about failure {}: {}", ref, ex.toString());
    }
  }

  /** Whether the command's deferred reply is one everyone sees (unknown commands are not). */
  private boolean publicReply(SlashCommandInteractionEvent e) {
    SlashCommand command = command(e.getName(), e.getSubcommandName());
    return command != null && !command.ephemeral();
  }

  private void run(String what, Runnable task) {
    try {
      services.worker().execute(task);
    } catch (RejectedExecutionException ex) {
      log.warn("{} dropped: the front-end is closing", what);
    }
  }
}
