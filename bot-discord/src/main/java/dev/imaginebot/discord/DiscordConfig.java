package dev.imaginebot.discord;

import java.time.Clock;
import java.util.Objects;

/**
 * What the Discord front-end needs, already validated by whoever read it.
 *
 * @param token the bot token (never logged)
 * @param guildId a server id to register the slash commands in (fast to update, for development),
 *     or null to register them globally
 * @param restBaseUrl the REST API base, ending in {@code /api/v10/}
 * @param gatewayUrl the gateway websocket URL
 * @param clock tells the age of interaction tokens (they die after 15 minutes)
 */
public record DiscordConfig(
    String token, String guildId, String restBaseUrl, String gatewayUrl, Clock clock) {

  /** Discord's own REST API. */
  public static final String DISCORD_REST = "https://discord.com/api/v10/";

  /** Discord's own gateway. */
  public static final String DISCORD_GATEWAY = "wss://gateway.discord.gg/";

  public DiscordConfig {
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(restBaseUrl, "restBaseUrl == null");
    Objects.requireNonNull(gatewayUrl, "gatewayUrl == null");
    Objects.requireNonNull(clock, "clock == null");
    if (token.isBlank()) throw new IllegalArgumentException("token is blank");
    if (guildId != null && !guildId.matches("\\d+")) {
      throw new IllegalArgumentException("guildId is not a snowflake: " + guildId);
    }
  }

  /**
   * Production settings: Discord's own endpoints, the system clock. (How often a job's message is
   * edited is the core's progress interval: the core throttles, once.)
   */
  public static DiscordConfig of(String token, String guildId) {
    return new DiscordConfig(token, guildId, DISCORD_REST, DISCORD_GATEWAY, Clock.systemUTC());
  }

  @Override
  public String toString() {
    // Never print the token.
    return "DiscordConfig[guildId="
        + guildId
        + ", restBaseUrl="
        + restBaseUrl
        + ", gatewayUrl="
        + gatewayUrl
        + "]";
  }
}
