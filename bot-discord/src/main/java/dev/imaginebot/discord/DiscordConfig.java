package dev.imaginebot.discord;

import java.time.Clock;
import java.util.List;
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
 * @param shards how this instance shards its gateway connections, or null for one unsharded
 *     connection
 */
public record DiscordConfig(
    String token,
    String guildId,
    String restBaseUrl,
    String gatewayUrl,
    Clock clock,
    Shards shards) {

  /**
   * Gateway sharding through JDA's shard manager: {@code total} shards across every instance (null:
   * as many as Discord recommends), of which this instance runs {@code ids} (empty: all). Instances
   * that split the shards must agree on the total; Discord refuses a connection whose total is not
   * the one the others use.
   */
  public record Shards(Integer total, List<Integer> ids) {
    public Shards {
      ids = List.copyOf(ids);
      if (total != null && total < 1) throw new IllegalArgumentException("total < 1: " + total);
      if (!ids.isEmpty() && total == null) {
        throw new IllegalArgumentException("shard ids need a total");
      }
      for (int id : ids) {
        if (id < 0 || id >= total) {
          throw new IllegalArgumentException("shard " + id + " is not in 0.." + (total - 1));
        }
      }
    }
  }

  /** Unsharded: one gateway connection. */
  public DiscordConfig(
      String token, String guildId, String restBaseUrl, String gatewayUrl, Clock clock) {
    this(token, guildId, restBaseUrl, gatewayUrl, clock, null);
  }

  /** This configuration with {@code shards} (null: unsharded). */
  public DiscordConfig withShards(Shards shards) {
    return new DiscordConfig(token, guildId, restBaseUrl, gatewayUrl, clock, shards);
  }

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
        + ", shards="
        + shards
        + "]";
  }
}
