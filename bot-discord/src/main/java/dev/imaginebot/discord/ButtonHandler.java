package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InteractionFailureException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A button press: the id goes to the core as it is (ids name stored jobs, so buttons work after a
 * restart). A press that starts a job (Reroll, Variations, Re-run) is stored before Discord is told
 * it arrived, is acknowledged with a new message (its original response) that becomes the job's
 * message, and names its job by the interaction (command key), so a press cut by a crash is
 * finished at the next start in that message and never makes a second job. A refusal is an
 * ephemeral followup only the presser sees.
 */
final class ButtonHandler {
  private static final Logger log = LoggerFactory.getLogger(ButtonHandler.class);

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
    return !startsJob(e.getComponentId())
        || StoredInteraction.store(services, e, "button " + e.getComponentId());
  }

  /**
   * Runs on a worker thread after the press was stored (see {@link #store}) and acknowledged: a
   * press that starts a job with {@code deferReply} (see {@link #acknowledge}), any other with
   * {@code deferEdit}.
   */
  void run(ButtonInteractionEvent e) {
    String id = e.getComponentId();
    InteractionHook hook = e.getHook();
    if (startsJob(id)) {
      String key = StoredInteraction.key(e);
      ReplyRef ref = Interactions.ref(e, e.getChannelIdLong(), 0, true);
      try {
        ref = original(hook, ref);
      } catch (InteractionFailureException ex) {
        // The acknowledgement failed (it reached Discord too late): the event's hook now fails
        // every call. A hook made from the token gets Discord's own answer (no such webhook), on
        // which the view moves the job to a channel message, as for a message that is gone.
        log.warn("button {}: the acknowledgement failed; answering in the channel", id);
        hook = InteractionHook.from(e.getJDA(), e.getToken());
      }
      DiscordJobView view = new DiscordJobView(services, e.getJDA(), ref, hook);
      Reply reply =
          services.bot().press(Interactions.context(e, ref.encode(), view).withCommandKey(key), id);
      finish(services, hook, key, reply);
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
   * Acknowledges a press on JDA's event thread, after {@link #store}. A press that starts a job is
   * answered with a new message ({@code deferReply}) that becomes the job's message: it is the
   * interaction's original response, which its token alone addresses ({@code @original}).
   */
  static void acknowledge(ButtonInteractionEvent e) {
    if (startsJob(e.getComponentId())) {
      // Why not a followup as the job's message: a followup's id is known only once Discord
      // answered, so a crash between sending it and storing that id left a message nothing would
      // ever edit again (stuck on its placeholder). The deferred reply is made by the
      // acknowledgement itself, and the stored press holds its token, so a restart finds the
      // message without any id: there is no instant at which a message of the bot exists that the
      // next start cannot reach.
      e.deferReply()
          .queue(null, err -> log.warn("button: could not acknowledge: {}", err.toString()));
    } else {
      e.deferEdit()
          .queue(null, err -> log.warn("button: could not acknowledge: {}", err.toString()));
    }
  }

  /**
   * Finishes a press the previous run stored but did not hand to the core (it stopped between the
   * acknowledgement and the job): runs it now, in the interaction's original response, which the
   * acknowledgement made and the token reaches. When the job was made before (the run stopped after
   * making it), the core finds it by the interaction and it shows itself in that same message. When
   * the previous run stopped before acknowledging, there is no original response: the job moves to
   * a channel message on its first update, as a view does for a message that is gone.
   */
  static void resume(DiscordServices services, JDA jda, StoredInteraction stored) {
    InteractionHook hook = InteractionHook.from(jda, stored.ref().token());
    ReplyRef ref = original(hook, stored.ref());
    DiscordJobView view = new DiscordJobView(services, jda, ref, hook);
    Reply reply = services.bot().press(stored.context(ref.encode(), view), stored.customId());
    finish(services, hook, stored.key(), reply);
  }

  /**
   * The ref of the interaction's original response with its message id, which lets a view edit it
   * as a channel message once the token has died; without the id when it cannot be read.
   */
  private static ReplyRef original(InteractionHook hook, ReplyRef ref) {
    try {
      Message original = hook.retrieveOriginal().complete();
      return ref.withMessage(original.getChannelIdLong(), original.getIdLong());
    } catch (ErrorResponseException ex) {
      log.warn("could not read the deferred reply: {}", ex.getMeaning());
      return ref;
    }
  }

  /** After the core answered a press that starts a job: the original response shows it, or goes. */
  private static void finish(
      DiscordServices services, InteractionHook hook, String key, Reply reply) {
    // The job (or the refusal) is stored: the press need not be finished at the next start.
    services.bot().handled(Interactions.PLATFORM, key);
    // DELETE_MESSAGE: made before for this press; the job shows itself in this same response.
    if (reply.kind() == Reply.Kind.JOB_STARTED || reply.kind() == Reply.Kind.DELETE_MESSAGE) {
      return;
    }
    // A refusal is the presser's: the response everyone sees goes, an ephemeral followup says it.
    try {
      hook.deleteOriginal().complete();
    } catch (ErrorResponseException ex) {
      log.warn("could not delete the deferred reply: {}", ex.getMeaning());
    }
    SlashCommand.followups(hook, Text.parts(reply.text()), reply, true);
  }

  static boolean startsJob(String id) {
    return id.startsWith("reroll:") || id.startsWith("vary:") || id.startsWith("rerun:");
  }
}
