package dev.imaginebot.discord;

import dev.imaginebot.core.command.Reply;
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
    Reply reply =
        services.bot().handle(Interactions.context(e, ref.encode(), view), name(), args(e));
    show(e, reply, true);
  }

  /** The core's grammar: {@code prompt --ar 16:9 --seed 5 --model m --no words}. */
  static String args(SlashCommandInteractionEvent e) {
    StringBuilder args = new StringBuilder(option(e, "prompt"));
    String aspect = option(e, "aspect");
    if (aspect != null) args.append(" --ar ").append(aspect);
    var seed = e.getOption("seed");
    if (seed != null) args.append(" --seed ").append(seed.getAsLong());
    String model = option(e, "model");
    if (model != null && !model.isEmpty()) args.append(" --model ").append(model);
    // Last, because --no takes every word up to the next flag.
    String negative = option(e, "negative");
    if (negative != null && !negative.isEmpty()) args.append(" --no ").append(negative);
    return args.toString();
  }
}
