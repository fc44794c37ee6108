package dev.imaginebot.discord;

import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.OptionSpec;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One catalogue command on Discord: its typed options go to the core as they are ({@code Bot#run}),
 * its reply is shown in the deferred original reply. The reply is already deferred when {@link
 * #run} is called (on a worker thread, never JDA's event thread). Subclassed only where Discord
 * really differs ({@link DiscordImagine}).
 */
class SlashCommand {
  private static final Logger log = LoggerFactory.getLogger(SlashCommand.class);

  /** For commands that never start a job. */
  static final JobView NO_VIEW = event -> {};

  final DiscordServices services;
  final CommandSpec spec;

  SlashCommand(DiscordServices services, CommandSpec spec) {
    this.services = services;
    this.spec = spec;
  }

  /** The command's name, as in the catalogue (a subcommand's name when it is in a group). */
  final String name() {
    return spec.name();
  }

  /** True when only the user should see the reply. */
  final boolean ephemeral() {
    return spec.personal();
  }

  /** Runs the command with the interaction's typed options and shows the core's reply. */
  void run(SlashCommandInteractionEvent e) {
    show(e, services.bot().run(context(e), name(), options(e, spec)), !ephemeral(), services);
  }

  /** The interaction's options, typed as the catalogue says; options not given are absent. */
  static CommandOptions options(SlashCommandInteractionEvent e, CommandSpec spec) {
    Map<String, Object> values = new HashMap<>();
    for (OptionSpec o : spec.options()) {
      OptionMapping m = e.getOption(o.name());
      if (m == null) continue;
      switch (o.type()) {
        case INTEGER:
          values.put(o.name(), m.getAsLong());
          break;
        case BOOLEAN:
          values.put(o.name(), m.getAsBoolean());
          break;
        default:
          values.put(o.name(), m.getAsString());
      }
    }
    return new CommandOptions(values);
  }

  static dev.imaginebot.core.command.CommandContext context(SlashCommandInteractionEvent e) {
    return Interactions.context(e, null, NO_VIEW);
  }

  /** Shows a reply in the deferred original reply, which only the user sees. */
  static void show(SlashCommandInteractionEvent e, Reply reply, DiscordServices services) {
    show(e, reply, false, services);
  }

  /**
   * Shows a reply in the deferred original reply. A {@link Reply#personal() personal} reply never
   * goes into an original everyone sees ({@code shownToAll}): that one is deleted and the reply
   * becomes an ephemeral followup. A {@link Reply.Kind#PENDING} reply shows its "working" text now
   * and its answer, when the core has it, in its place (on a worker, not the core's thread).
   */
  static void show(
      SlashCommandInteractionEvent e, Reply reply, boolean shownToAll, DiscordServices services) {
    if (reply.kind() == Reply.Kind.PENDING) {
      showPending(e, reply, shownToAll, services);
      return;
    }
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
        List<Button> buttons = parts.size() == 1 ? DiscordButtons.of(reply.buttons()) : List.of();
        e.getHook().editOriginal(Payload.text(parts.get(0), buttons).toEdit()).complete();
        followups(e.getHook(), parts.subList(1, parts.size()), reply, !shownToAll);
    }
  }

  private static void showPending(
      SlashCommandInteractionEvent e, Reply pending, boolean shownToAll, DiscordServices services) {
    // A personal answer can't wait in an original everyone sees; it comes as an ephemeral
    // followup when ready.
    if (!(pending.personal() && shownToAll)) {
      e.getHook()
          .editOriginal(Payload.text(Text.safe(pending.text(), Text.CONTENT_MAX)).toEdit())
          .complete();
    }
    pending
        .later()
        .whenCompleteAsync(
            (answer, failure) -> {
              if (failure != null) {
                log.error("/{}: the core gave no answer", e.getName(), failure);
                return;
              }
              try {
                show(e, answer, shownToAll, services);
              } catch (RuntimeException ex) {
                log.warn("/{}: could not show the answer: {}", e.getName(), ex.toString());
              }
            },
            services.worker());
  }

  /**
   * Sends {@code parts} as followups, in order, with the reply's buttons under the last: the rest
   * of a reply too long for one message.
   */
  static void followups(InteractionHook hook, List<String> parts, Reply reply, boolean ephemeral) {
    for (int i = 0; i < parts.size(); i++) {
      List<Button> buttons = i == parts.size() - 1 ? DiscordButtons.of(reply.buttons()) : List.of();
      hook.sendMessage(Payload.text(parts.get(i), buttons).toCreate())
          .setEphemeral(ephemeral)
          .complete();
    }
  }
}
