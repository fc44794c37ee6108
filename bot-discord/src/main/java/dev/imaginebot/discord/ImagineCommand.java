package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
import java.util.Map;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /imagine prompt [model] [aspect] [seed] [negative]}: starts a job shown in the reply. */
final class ImagineCommand extends SlashCommand {
  private static final Logger log = LoggerFactory.getLogger(ImagineCommand.class);

  static final String[] ASPECTS = {"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9"};

  ImagineCommand(Services services) {
    super(services, "imagine", false);
  }

  @Override
  SlashCommandData options(SlashCommandData command) {
    OptionData aspect = option(OptionType.STRING, "aspect");
    for (String a : ASPECTS) aspect.addChoice(a, a);
    return command.addOptions(
        option(OptionType.STRING, "prompt").setRequired(true).setMaxLength(1500),
        option(OptionType.STRING, "model").setAutoComplete(true),
        aspect,
        option(OptionType.INTEGER, "seed").setMinValue(0),
        option(OptionType.STRING, "negative"));
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
            .handle(
                Interactions.context(e, ref.encode(), view).withCommandKey(key), name(), args(e));
    // The job (or the refusal) is stored: the interaction need not be finished at the next start.
    services.bot().handled(Interactions.PLATFORM, key);
    // DELETE_MESSAGE: made before for this interaction; the job shows itself in this reply.
    if (reply.kind() != Reply.Kind.DELETE_MESSAGE) show(e, reply, true);
  }

  /**
   * Finishes an {@code /imagine} the previous run stored but did not hand to the core (it stopped
   * between storing the interaction and making the job): runs it now, answering in the
   * interaction's original reply through its token.
   */
  static void resume(Services services, net.dv8tion.jda.api.JDA jda, StoredInteraction stored) {
    ReplyRef ref = stored.ref();
    DiscordJobView view = new DiscordJobView(services, jda, ref, null);
    Map<String, String> o = stored.options();
    String seed = o.get("seed");
    Reply reply =
        services
            .bot()
            .handle(
                stored.context(ref.encode(), view),
                "imagine",
                args(
                    o.get("prompt"),
                    o.get("aspect"),
                    seed == null ? null : Long.parseLong(seed),
                    o.get("model"),
                    o.get("negative")));
    services.bot().handled(Interactions.PLATFORM, stored.key());
    if (reply.kind() == Reply.Kind.MESSAGE || reply.kind() == Reply.Kind.ERROR) {
      var hook = net.dv8tion.jda.api.interactions.InteractionHook.from(jda, ref.token());
      if (reply.personal()) {
        // A refusal is the sender's: the reply everyone sees goes, an ephemeral followup says it.
        hook.deleteOriginal().complete();
        hook.sendMessage(Payload.text(reply.text()).toCreate()).setEphemeral(true).complete();
      } else {
        hook.editOriginal(Payload.text(reply.text()).toEdit()).complete();
      }
    }
  }

  /** The core's grammar: {@code prompt --ar 16:9 --seed 5 --model m --no words}. */
  static String args(SlashCommandInteractionEvent e) {
    var seed = e.getOption("seed");
    return args(
        option(e, "prompt"),
        option(e, "aspect"),
        seed == null ? null : seed.getAsLong(),
        option(e, "model"),
        option(e, "negative"));
  }

  static String args(String prompt, String aspect, Long seed, String model, String negative) {
    StringBuilder args = new StringBuilder(prompt == null ? "" : prompt);
    if (aspect != null) args.append(" --ar ").append(aspect);
    if (seed != null) args.append(" --seed ").append(seed);
    if (model != null && !model.isEmpty()) args.append(" --model ").append(model);
    // Last, because --no takes every word up to the next flag.
    if (negative != null && !negative.isEmpty()) args.append(" --no ").append(negative);
    return args.toString();
  }
}
