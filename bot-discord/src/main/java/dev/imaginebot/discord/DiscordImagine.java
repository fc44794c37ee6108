package dev.imaginebot.discord;

import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.Reply;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /imagine prompt [model] [aspect] [seed] [negative]}: starts a job shown in the reply. The
 * options become a typed request as they are: the prompt is never read for flags or a model name.
 */
final class DiscordImagine extends SlashCommand {
  private static final Logger log = LoggerFactory.getLogger(DiscordImagine.class);

  static final String NAME = "imagine";

  DiscordImagine(DiscordServices services) {
    super(services, CommandCatalogue.find(NAME).orElseThrow());
  }

  @Override
  void run(SlashCommandInteractionEvent e) {
    long channelId = e.getChannelIdLong();
    long messageId = 0;
    try {
      // The message id lets a restarted bot edit the reply even after the token has died.
      Message original = e.getHook().retrieveOriginal().complete();
      channelId = original.getChannelIdLong();
      messageId = original.getIdLong();
    } catch (ErrorResponseException ex) {
      log.warn("could not read the deferred reply: {}", ex.getMeaning());
    }
    ReplyRef ref = Interactions.ref(e, channelId, messageId, true);
    DiscordJobView view = new DiscordJobView(services, e.getJDA(), ref, e.getHook());
    String key = StoredInteraction.key(e);
    Reply reply =
        services
            .bot()
            .imagine(
                Interactions.context(e, ref.encode(), view).withCommandKey(key),
                options(e, spec).generationRequest());
    // The job (or the refusal) is stored: the interaction need not be finished at the next start.
    services.bot().handled(Interactions.PLATFORM, key);
    // DELETE_MESSAGE: made before for this interaction; the job shows itself in this reply.
    if (reply.kind() != Reply.Kind.DELETE_MESSAGE) show(e, reply, true, services);
  }

  /**
   * Finishes an {@code /imagine} the previous run stored but did not hand to the core (it stopped
   * between storing the interaction and making the job): runs it now from the stored interaction's
   * typed options, answering in the interaction's original reply through its token.
   */
  static void resume(DiscordServices services, JDA jda, StoredInteraction stored) {
    ReplyRef ref = stored.ref();
    DiscordJobView view = new DiscordJobView(services, jda, ref, null);
    Reply reply =
        services
            .bot()
            .imagine(
                stored.context(ref.encode(), view),
                stored.options(CommandCatalogue.find(NAME).orElseThrow()).generationRequest());
    services.bot().handled(Interactions.PLATFORM, stored.key());
    if (reply.kind() == Reply.Kind.MESSAGE || reply.kind() == Reply.Kind.ERROR) {
      var hook = InteractionHook.from(jda, ref.token());
      if (reply.personal()) {
        // A refusal is the sender's: the reply everyone sees goes, an ephemeral followup says it.
        hook.deleteOriginal().complete();
        hook.sendMessage(Payload.text(reply.text()).toCreate()).setEphemeral(true).complete();
      } else {
        hook.editOriginal(Payload.text(reply.text()).toEdit()).complete();
      }
    }
  }
}
