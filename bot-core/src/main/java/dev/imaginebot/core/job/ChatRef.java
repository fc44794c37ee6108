package dev.imaginebot.core.job;

import java.util.Objects;

/**
 * Where a command was sent: a Discord server (guild) or DM, a Telegram chat.
 *
 * @param platform as in {@link UserRef#platform()}
 * @param id the server id for Discord guilds, the chat id for Telegram, the user id for DMs
 * @param group true for servers and group chats
 */
public record ChatRef(String platform, String id, boolean group) {
  public ChatRef {
    Objects.requireNonNull(platform, "platform == null");
    Objects.requireNonNull(id, "id == null");
  }

  public String key() {
    return platform + ":" + id;
  }
}
