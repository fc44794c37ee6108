package dev.imaginebot.discord;

import java.util.Objects;

/**
 * Where a job's message lives, stored by the core with the job so a restarted bot can find it: the
 * channel and message ids (editable as a channel message at any age), plus the interaction token
 * and its creation time (editable through the webhook while younger than 15 minutes).
 *
 * @param token the interaction token, or empty when unknown
 * @param createdMillis when the interaction was created (epoch millis)
 * @param guildId the server, or 0 for DMs
 * @param channelId the channel holding the message
 * @param messageId the message, or 0 if it could not be learned
 * @param original true when the message is the interaction's original reply, false for a followup
 * @param userId who asked
 * @param language the user's locale tag, or empty
 * @param sizeLimit the upload limit per file in bytes
 */
record ReplyRef(
    String token,
    long createdMillis,
    long guildId,
    long channelId,
    long messageId,
    boolean original,
    long userId,
    String language,
    long sizeLimit) {

  private static final String VERSION = "d1";

  ReplyRef {
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(language, "language == null");
    if (token.contains("|") || language.contains("|")) {
      throw new IllegalArgumentException("'|' in a reply ref field");
    }
  }

  ReplyRef withMessage(long newChannelId, long newMessageId) {
    return new ReplyRef(
        token,
        createdMillis,
        guildId,
        newChannelId,
        newMessageId,
        original,
        userId,
        language,
        sizeLimit);
  }

  String encode() {
    return String.join(
        "|",
        VERSION,
        token,
        Long.toString(createdMillis),
        Long.toUnsignedString(guildId),
        Long.toUnsignedString(channelId),
        Long.toUnsignedString(messageId),
        original ? "o" : "f",
        Long.toUnsignedString(userId),
        language,
        Long.toString(sizeLimit));
  }

  /** The ref {@link #encode()} wrote; throws {@link IllegalArgumentException} for anything else. */
  static ReplyRef decode(String text) {
    Objects.requireNonNull(text, "text == null");
    String[] p = text.split("\\|", -1);
    if (p.length != 10 || !p[0].equals(VERSION)) {
      throw new IllegalArgumentException("not a Discord reply ref");
    }
    try {
      return new ReplyRef(
          p[1],
          Long.parseLong(p[2]),
          Long.parseUnsignedLong(p[3]),
          Long.parseUnsignedLong(p[4]),
          Long.parseUnsignedLong(p[5]),
          p[6].equals("o"),
          Long.parseUnsignedLong(p[7]),
          p[8],
          Long.parseLong(p[9]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a Discord reply ref", e);
    }
  }

  @Override
  public String toString() {
    // The token is a credential for 15 minutes: keep it out of logs.
    return "ReplyRef[channel="
        + Long.toUnsignedString(channelId)
        + ", message="
        + Long.toUnsignedString(messageId)
        + ", original="
        + original
        + "]";
  }
}
