package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobEvent;
import java.util.List;
import java.util.Optional;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A button press: the id goes to the core as it is (ids name stored jobs, so buttons work after a
 * restart). A press that starts a job (Reroll, Variations, Re-run) is stored before Discord is told
 * it arrived, gets a followup message as its view, and names its job by the interaction (command
 * key), so a press cut by a crash is finished at the next start and never makes a second job. A
 * refusal is an ephemeral followup only the presser sees.
 */
final class ButtonHandler {
  private static final Logger log = LoggerFactory.getLogger(ButtonHandler.class);

  /** A placeholder shown until the new job's first event; no words, so no language. */
  static final String PLACEHOLDER = "\u23f3";

  private final DiscordServices services;

  ButtonHandler(DiscordServices services) {
    this.services = services;
  }

  /**
   * On JDA's event thread, before the press is acknowledged: stores a press that starts a job (one
   * quick database write, well inside Discord's 3 seconds), so that from the acknowledgement on a
   * crash leaves a press the next start finishes. Other presses need no storing. False when it
   * could not be stored: the user was told, do not acknowledge it.
   */
  boolean store(ButtonInteractionEvent e) {
    if (!startsJob(e.getComponentId())) return true;
    try {
      services
          .bot()
          .receive(Interactions.PLATFORM, StoredInteraction.key(e), StoredInteraction.payload(e));
      return true;
    } catch (RuntimeException x) {
      String ref = dev.imaginebot.core.FaultRef.next();
      log.error("button {} could not be stored (ref {})", e.getComponentId(), ref, x);
      JobEvent failed =
          new JobEvent.Failed(0, dev.imaginebot.core.job.ErrorCode.INTERNAL, ref, Optional.empty());
      e.reply(services.bot().describe(failed, Interactions.language(e)))
          .setEphemeral(true)
          .queue(null, err -> log.warn("could not answer: {}", err.toString()));
      return false;
    }
  }

  /** Runs on a worker thread after the press was stored (see {@link #store}) and deferred. */
  void run(ButtonInteractionEvent e) {
    String id = e.getComponentId();
    InteractionHook hook = e.getHook();
    if (startsJob(id)) {
      String key = StoredInteraction.key(e);
      Message placeholder = placeholder(hook);
      ReplyRef ref =
          Interactions.ref(e, placeholder.getChannelIdLong(), placeholder.getIdLong(), false);
      DiscordJobView view = new DiscordJobView(services, e.getJDA(), ref, hook);
      Reply reply =
          services.bot().press(Interactions.context(e, ref.encode(), view).withCommandKey(key), id);
      finish(services, hook, placeholder, key, reply);
      return;
    }
    Reply reply = services.bot().press(Interactions.context(e, null, SlashCommand.NO_VIEW), id);
    switch (reply.kind()) {
      case JOB_STARTED:
        return;
      case DELETE_MESSAGE:
        hook.deleteOriginal().complete();
        return;
      case ERROR:
        SlashCommand.followups(hook, Text.parts(reply.text()), reply, true);
        return;
      case MESSAGE:
      default:
        List<String> parts = Text.parts(reply.text());
        // A personal reply replaces the message the button was on only if that one is private.
        if (id.startsWith("history:") && (!reply.personal() || e.getMessage().isEphemeral())) {
          List<Button> buttons = parts.size() == 1 ? DiscordButtons.of(reply.buttons()) : List.of();
          hook.editOriginal(Payload.text(parts.get(0), buttons).toEdit()).complete();
          SlashCommand.followups(
              hook, parts.subList(1, parts.size()), reply, e.getMessage().isEphemeral());
        } else {
          // An answer to one person's press (for example a cancel) is for them only.
          SlashCommand.followups(hook, parts, reply, true);
        }
    }
  }

  /**
   * Finishes a press the previous run stored but did not hand to the core (it stopped between the
   * acknowledgement and the job): runs it now, in a new followup sent through the interaction's
   * token. When the job was made before (the run stopped after making it), the core finds it by the
   * interaction and it shows itself in its own message; the new followup goes.
   */
  static void resume(DiscordServices services, JDA jda, StoredInteraction stored) {
    InteractionHook hook = InteractionHook.from(jda, stored.ref().token());
    Message placeholder = placeholder(hook);
    ReplyRef ref = stored.ref(placeholder.getChannelIdLong(), placeholder.getIdLong(), false);
    DiscordJobView view = new DiscordJobView(services, jda, ref, hook);
    Reply reply = services.bot().press(stored.context(ref.encode(), view), stored.customId());
    finish(services, hook, placeholder, stored.key(), reply);
  }

  private static Message placeholder(InteractionHook hook) {
    return hook.sendMessage(Payload.text(PLACEHOLDER).toCreate()).complete();
  }

  /** After the core answered a press that starts a job: its followup shows the job, or goes. */
  private static void finish(
      DiscordServices services,
      InteractionHook hook,
      Message placeholder,
      String key,
      Reply reply) {
    // The job (or the refusal) is stored: the press need not be finished at the next start.
    services.bot().handled(Interactions.PLATFORM, key);
    if (reply.kind() == Reply.Kind.JOB_STARTED) return;
    try {
      hook.deleteMessageById(placeholder.getIdLong()).complete();
    } catch (ErrorResponseException ex) {
      log.warn("could not delete a placeholder: {}", ex.getMeaning());
    }
    // DELETE_MESSAGE: made before for this press; the job shows itself in the message it had.
    if (reply.kind() == Reply.Kind.DELETE_MESSAGE) return;
    SlashCommand.followups(hook, Text.parts(reply.text()), reply, true);
  }

  static boolean startsJob(String id) {
    return id.startsWith("reroll:") || id.startsWith("vary:") || id.startsWith("rerun:");
  }
}
