package dev.imaginebot.discord;

import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;

/**
 * Builds JDA for a REST base URL and a gateway URL, so production and tests (a local stand-in)
 * share everything else.
 */
final class JdaFactory {
  private JdaFactory() {}

  static JDA create(DiscordConfig config, Object... listeners) {
    String gateway = config.gatewayUrl();
    return JDABuilder.createLight(config.token(), EnumSet.noneOf(GatewayIntent.class))
        .setRestConfig(new RestConfig().setBaseUrl(config.restBaseUrl()))
        .setSessionController(
            new ConcurrentSessionController() {
              @Override
              public String getGateway() {
                return gateway;
              }
            })
        .setCompression(Compression.NONE)
        // The raw interaction carries attachment_size_limit and the member's permissions.
        .setEventPassthrough(true)
        .setEnableShutdownHook(false)
        .addEventListeners(listeners)
        .build();
  }

  /**
   * Builds a shard manager running {@code config.shards()}: the shards' REST calls go to the same
   * base URL, and their gateway connections to the configured gateway, also when Discord's {@code
   * gateway/bot} answer names its own (a proxy or stand-in stays in the path).
   */
  static ShardManager createShards(DiscordConfig config, Object... listeners) {
    String gateway = config.gatewayUrl();
    DiscordConfig.Shards shards = config.shards();
    DefaultShardManagerBuilder builder =
        DefaultShardManagerBuilder.createLight(config.token(), EnumSet.noneOf(GatewayIntent.class))
            .setRestConfig(new RestConfig().setBaseUrl(config.restBaseUrl()))
            .setSessionController(
                new ConcurrentSessionController() {
                  @Override
                  public String getGateway() {
                    return gateway;
                  }

                  @Override
                  public ShardedGateway getShardedGateway(JDA api) {
                    ShardedGateway discords = super.getShardedGateway(api);
                    return new ShardedGateway(
                        gateway, discords.getShardTotal(), discords.getConcurrency());
                  }
                })
            .setCompression(Compression.NONE)
            .setEventPassthrough(true)
            .setEnableShutdownHook(false)
            .addEventListeners(listeners)
            .setShardsTotal(shards.total() == null ? -1 : shards.total());
    if (!shards.ids().isEmpty()) builder.setShards(shards.ids());
    return builder.build();
  }
}
