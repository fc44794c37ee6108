package dev.imaginebot.discord;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.GenericInteractionCreateEvent;
import net.dv8tion.jda.api.utils.data.DataObject;

/** Reads who, where and what limits from an interaction. */
final class Interactions {
  static final String PLATFORM = "discord";

  /** Discord's upload limit per file when the interaction does not say. */
  static final long DEFAULT_SIZE_LIMIT = 10L * 1024 * 1024;

  private static final long ADMIN_BITS =
      Permission.MANAGE_SERVER.getRawValue() | Permission.ADMINISTRATOR.getRawValue();

  private Interactions() {}

  static CommandContext context(GenericInteractionCreateEvent e, String replyRef, JobView view) {
    User user = e.getUser();
    UserRef userRef = new UserRef(PLATFORM, user.getId(), user.getEffectiveName(), language(e));
    return new CommandContext(userRef, chat(e), platformAdmin(e), replyRef, view);
  }

  /** The chat as the core knows it: the server, or the user's DMs. */
  static ChatRef chat(GenericInteractionCreateEvent e) {
    return chat(e.getGuild() == null ? null : e.getGuild().getId(), e.getUser().getId());
  }

  /** The chat of an interaction in server {@code guildId} (null for DMs) by {@code userId}. */
  static ChatRef chat(String guildId, String userId) {
    return guildId != null
        ? new ChatRef(PLATFORM, guildId, true)
        : new ChatRef(PLATFORM, userId, false);
  }

  /** Whether a member's {@code permissions} bit set (as Discord sends it) has Manage Server. */
  static boolean admin(String permissions) {
    return (Long.parseUnsignedLong(permissions) & ADMIN_BITS) != 0;
  }

  static String language(GenericInteractionCreateEvent e) {
    return e.getUserLocale().getLocale();
  }

  /**
   * True when the member has Manage Server (or Administrator) where the interaction happened, as
   * the interaction itself says (checked on every call); false in DMs.
   */
  static boolean platformAdmin(GenericInteractionCreateEvent e) {
    DataObject d = data(e);
    if (d != null) {
      DataObject member = d.optObject("member").orElse(null);
      if (member == null) return false;
      String perms = member.getString("permissions", null);
      if (perms != null) return admin(perms);
    }
    Member member = e.getMember();
    return member != null && member.hasPermission(Permission.MANAGE_SERVER);
  }

  /** The per-file upload limit the interaction gives ({@code attachment_size_limit}). */
  static long sizeLimit(GenericInteractionCreateEvent e) {
    DataObject d = data(e);
    long limit = d == null ? 0 : d.getLong("attachment_size_limit", 0);
    return limit > 0 ? limit : DEFAULT_SIZE_LIMIT;
  }

  /** A reference to a message this interaction made or will make. */
  static ReplyRef ref(
      GenericInteractionCreateEvent e, long channelId, long messageId, boolean original) {
    return new ReplyRef(
        e.getToken(),
        e.getTimeCreated().toInstant().toEpochMilli(),
        e.getGuild() == null ? 0 : e.getGuild().getIdLong(),
        channelId,
        messageId,
        original,
        e.getUser().getIdLong(),
        language(e),
        sizeLimit(e));
  }

  private static DataObject data(GenericInteractionCreateEvent e) {
    DataObject raw = e.getRawData();
    if (raw == null) return null;
    return raw.optObject("d").orElse(null);
  }
}
