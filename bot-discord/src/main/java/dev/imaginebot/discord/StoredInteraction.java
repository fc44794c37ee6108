package dev.imaginebot.discord;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.OptionSpec;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.dv8tion.jda.api.events.interaction.GenericInteractionCreateEvent;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slash command or a button press that starts a job, as the core's inbox keeps it: the
 * interaction's own JSON, stored before Discord is told it arrived (the defer), so that a start
 * after a crash can still finish it in its reply while its token lives. Reads back who, where,
 * which options or button, and how to answer.
 */
final class StoredInteraction {
  private static final Logger log = LoggerFactory.getLogger(StoredInteraction.class);

  /** Discord's epoch, for the creation time a snowflake id carries. */
  private static final long DISCORD_EPOCH = 1420070400000L;

  private final String key;
  private final DataObject d;

  private StoredInteraction(String key, DataObject d) {
    this.key = key;
    this.d = d;
  }

  /** The inbox key of an interaction. */
  static String key(GenericInteractionCreateEvent e) {
    return "interaction:" + e.getId();
  }

  /**
   * Stores interaction {@code e} in the inbox before Discord is told it arrived, so a crash from
   * then on leaves it for the next start. One quick database write, well inside Discord's 3
   * seconds. When it fails, the user is told at once (ephemerally, with a reference) and false is
   * returned: do not acknowledge it.
   *
   * @param what names the interaction in the log ({@code "/imagine"}, {@code "button reroll:…"})
   */
  static <E extends GenericInteractionCreateEvent & IReplyCallback> boolean store(
      DiscordServices services, E e, String what) {
    try {
      services.bot().receive(Interactions.PLATFORM, key(e), payload(e));
      return true;
    } catch (RuntimeException x) {
      String ref = dev.imaginebot.core.FaultRef.next();
      log.error("{} could not be stored (ref {})", what, ref, x);
      JobEvent failed =
          new JobEvent.Failed(0, dev.imaginebot.core.job.ErrorCode.INTERNAL, ref, Optional.empty());
      e.reply(services.bot().describe(failed, Interactions.language(e)))
          .setEphemeral(true)
          .queue(null, err -> log.warn("could not answer: {}", err.toString()));
      return false;
    }
  }

  /** The JSON to store: the interaction as Discord sent it. */
  static String payload(GenericInteractionCreateEvent e) {
    DataObject raw = e.getRawData();
    DataObject d = raw == null ? null : raw.optObject("d").orElse(null);
    if (d == null) throw new IllegalStateException("no raw interaction data (event passthrough?)");
    return d.toString();
  }

  static StoredInteraction parse(String key, String payload) {
    return new StoredInteraction(key, DataObject.fromJson(payload));
  }

  String key() {
    return key;
  }

  String name() {
    return d.optObject("data").map(data -> data.getString("name", "")).orElse("");
  }

  /** The pressed button's custom id, or null when this is not a button press. */
  String customId() {
    return d.optObject("data").map(data -> data.getString("custom_id", null)).orElse(null);
  }

  long createdMillis() {
    return (Long.parseUnsignedLong(d.getString("id")) >>> 22) + DISCORD_EPOCH;
  }

  private DataObject user() {
    DataObject member = d.optObject("member").orElse(null);
    if (member != null && member.hasKey("user")) return member.getObject("user");
    return d.getObject("user");
  }

  private long guildId() {
    String g = d.getString("guild_id", null);
    return g == null ? 0 : Long.parseUnsignedLong(g);
  }

  private long channelId() {
    String c = d.getString("channel_id", null);
    if (c == null) c = d.optObject("channel").map(ch -> ch.getString("id", "0")).orElse("0");
    return Long.parseUnsignedLong(c);
  }

  private String language() {
    return d.getString("locale", "en-US");
  }

  /** The command's context, as {@link Interactions#context} builds it from a live event. */
  CommandContext context(String replyRef, JobView view) {
    DataObject user = user();
    String id = user.getString("id");
    String name = user.getString("global_name", null);
    if (name == null) name = user.getString("username", id);
    ChatRef chat = Interactions.chat(d.getString("guild_id", null), id);
    boolean admin =
        d.optObject("member")
            .map(m -> m.getString("permissions", null))
            .map(Interactions::admin)
            .orElse(false);
    return new CommandContext(
            new UserRef(Interactions.PLATFORM, id, name, language()), chat, admin, replyRef, view)
        .withCommandKey(key);
  }

  /** Where the interaction's original reply is (the message id is learned on the first edit). */
  ReplyRef ref() {
    return ref(channelId(), 0, true);
  }

  /**
   * Where a message of this interaction is: its original reply ({@code original}) or a followup
   * sent through its token.
   */
  ReplyRef ref(long channelId, long messageId, boolean original) {
    long limit = d.getLong("attachment_size_limit", 0);
    return new ReplyRef(
        d.getString("token"),
        createdMillis(),
        guildId(),
        channelId,
        messageId,
        original,
        Long.parseUnsignedLong(user().getString("id")),
        language(),
        limit > 0 ? limit : Interactions.DEFAULT_SIZE_LIMIT);
  }

  /**
   * The command's options, typed as {@code spec} says (the stored JSON keeps Discord's own typed
   * values), as the live interaction gives them.
   */
  CommandOptions options(CommandSpec spec) {
    Map<String, Object> out = new HashMap<>();
    DataArray opts =
        d.optObject("data").flatMap(data -> data.optArray("options")).orElse(DataArray.empty());
    for (int i = 0; i < opts.length(); i++) {
      DataObject o = opts.getObject(i);
      OptionSpec option = spec.option(o.getString("name", "")).orElse(null);
      if (option == null || !o.hasKey("value") || o.isNull("value")) continue;
      switch (option.type()) {
        case INTEGER:
          out.put(option.name(), o.getLong("value"));
          break;
        case BOOLEAN:
          out.put(option.name(), o.getBoolean("value"));
          break;
        default:
          out.put(option.name(), o.getString("value"));
      }
    }
    return new CommandOptions(out);
  }
}
