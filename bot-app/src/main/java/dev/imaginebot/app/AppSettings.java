package dev.imaginebot.app;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.telegram.TelegramConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The validated configuration: what the core needs plus what only the app uses. Secrets are
 * resolved here and never printed ({@link #toString()} hides them).
 *
 * @param source where the settings came from (a file path, or "built-in defaults")
 * @param core the core's configuration
 * @param discord the Discord front-end, or null when disabled
 * @param telegram the Telegram front-end, or null when disabled
 * @param language the default language of users and of this program's messages
 * @param shutdownTimeout how long running jobs may take to finish on shutdown
 * @param httpPort the health and metrics port, 0 when off
 * @param httpBind the address the health and metrics endpoint listens on
 * @param logJson JSON logs
 * @param logLevel the root log level
 * @param instanceId this instance's name in metrics and logs ({@code instance-id}, else the host
 *     name)
 */
record AppSettings(
    String source,
    CoreConfig core,
    DiscordSettings discord,
    TelegramSettings telegram,
    String language,
    Duration shutdownTimeout,
    int httpPort,
    String httpBind,
    boolean logJson,
    String logLevel,
    String instanceId) {

  AppSettings {
    Objects.requireNonNull(core, "core == null");
  }

  /**
   * An enabled Discord front-end. {@code guildId} is null for global command registration; {@code
   * restUrl} and {@code gatewayUrl} are Discord's own unless configured (a rate-limit proxy, a
   * stand-in); {@code shards} is null for one unsharded connection.
   */
  record DiscordSettings(
      String token, String guildId, String restUrl, String gatewayUrl, Shards shards) {
    @Override
    public String toString() {
      return "DiscordSettings[token=***, guildId="
          + guildId
          + ", restUrl="
          + restUrl
          + ", gatewayUrl="
          + gatewayUrl
          + ", shards="
          + shards
          + "]";
    }
  }

  /**
   * Discord sharding: {@code total} shards across all instances (null: as many as Discord
   * recommends, {@code auto}), of which this instance runs {@code ids} (empty: all of them).
   */
  record Shards(Integer total, List<Integer> ids) {
    Shards {
      ids = List.copyOf(ids);
    }
  }

  /**
   * An enabled Telegram front-end; {@code apiUrl} is null for Telegram's own Bot API, {@code
   * webhook} null for long polling.
   */
  record TelegramSettings(String token, java.net.URI apiUrl, TelegramConfig.Webhook webhook) {
    @Override
    public String toString() {
      // Webhook's own toString hides its secret token.
      return "TelegramSettings[token=***, apiUrl=" + apiUrl + ", webhook=" + webhook + "]";
    }
  }

  boolean anyFrontEnd() {
    return discord != null || telegram != null;
  }

  AppSettings withCore(CoreConfig newCore) {
    return new AppSettings(
        source,
        newCore,
        discord,
        telegram,
        language,
        shutdownTimeout,
        httpPort,
        httpBind,
        logJson,
        logLevel,
        instanceId);
  }

  AppSettings withHttpPort(int port) {
    return new AppSettings(
        source,
        core,
        discord,
        telegram,
        language,
        shutdownTimeout,
        port,
        httpBind,
        logJson,
        logLevel,
        instanceId);
  }
}
