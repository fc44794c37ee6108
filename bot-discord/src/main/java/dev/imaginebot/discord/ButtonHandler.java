package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobView;
import java.util.List;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A button press: the id goes to the core as it is (ids name stored jobs, so buttons work after a
 * restart). A press that starts a job gets a followup message as its view; a refusal is an
 * ephemeral followup only the presser sees.
 */
final class ButtonHandler {
  private static final Logger log = LoggerFactory.getLogger(ButtonHandler.class);

  /** A placeholder shown until the new job's first event; no words, so no language. */
  static final String PLACEHOLDER = "\u23f3";

  private final Services services;

  ButtonHandler(Services services) {
    this.services = services;
  }

  /** Runs on a worker thread after the press was acknowledged with deferEdit. */
  void run(ButtonInteractionEvent e) {
    String id = e.getComponentId();
    InteractionHook hook = e.getHook();
    Message placeholder = null;
    JobView view = SlashCommand.NO_VIEW;
    String replyRef = null;
    if (startsJob(id)) {
      placeholder = hook.sendMessage(Payload.text(PLACEHOLDER).toCreate()).complete();
      ReplyRef ref =
          Interactions.ref(e, placeholder.getChannelIdLong(), placeholder.getIdLong(), false);
      view = new DiscordJobView(services, e.getJDA(), ref, hook);
      replyRef = ref.encode();
    }
    Reply reply = services.bot().press(Interactions.context(e, replyRef, view), id);
    if (placeholder != null && reply.kind() != Reply.Kind.JOB_STARTED) {
      try {
        hook.deleteMessageById(placeholder.getIdLong()).complete();
      } catch (ErrorResponseException ex) {
        log.warn("could not delete a placeholder: {}", ex.getMeaning());
      }
    }
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
          List<Button> buttons = parts.size() == 1 ? Buttons.of(reply.buttons()) : List.of();
          hook.editOriginal(Payload.text(parts.get(0), buttons).toEdit()).complete();
          SlashCommand.followups(
              hook, parts.subList(1, parts.size()), reply, e.getMessage().isEphemeral());
        } else {
          // An answer to one person's press (for example a cancel) is for them only.
          SlashCommand.followups(hook, parts, reply, true);
        }
    }
  }

  static boolean startsJob(String id) {
    return id.startsWith("reroll:") || id.startsWith("vary:") || id.startsWith("rerun:");
  }
}
