package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.imaginebot.discord.DiscordConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config keys for running several instances: instance-id, Discord endpoints and shards. */
class ScaleOutConfigTest {
  private final Map<String, String> env = new HashMap<>(Map.of("DISCORD_TOKEN", "discord-secret"));
  private final ConfigLoader loader = new ConfigLoader(env::get, "en");
  private final CliMessages en = CliMessages.forLanguage("en");

  private AppSettings load(String yaml) {
    return loader.loadString(yaml, "config.yml");
  }

  private String error(String yaml) {
    Throwable thrown = catchThrowable(() -> load(yaml));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    String text = ((ConfigException) thrown).render(en);
    assertThat(text).doesNotContain("\n").doesNotContain("discord-secret");
    return text;
  }

  @Test
  void withoutShardKeysDiscordRunsUnshardedOnItsOwnEndpoints() {
    AppSettings.DiscordSettings d = load("discord:\n  token: ${DISCORD_TOKEN}\n").discord();
    assertThat(d.shards()).isNull();
    assertThat(d.restUrl()).isEqualTo(DiscordConfig.DISCORD_REST);
    assertThat(d.gatewayUrl()).isEqualTo(DiscordConfig.DISCORD_GATEWAY);
  }

  @Test
  void restAndGatewayUrlsPointElsewhere() {
    AppSettings.DiscordSettings d =
        load("discord:\n  rest-url: http://ratelimit-proxy:8080/api/v10\n"
                + "  gateway-url: ws://127.0.0.1:9999/gateway\n")
            .discord();
    assertThat(d.restUrl()).isEqualTo("http://ratelimit-proxy:8080/api/v10/");
    assertThat(d.gatewayUrl()).isEqualTo("ws://127.0.0.1:9999/gateway");
    assertThat(error("discord:\n  rest-url: ftp://proxy/api\n")).contains("'discord.rest-url'");
    assertThat(error("discord:\n  gateway-url: https://gateway\n"))
        .contains("'discord.gateway-url'");
  }

  @Test
  void shardsAreAutoOrACountThatThisInstanceRunsWhole() {
    assertThat(load("discord:\n  shards: auto\n").discord().shards())
        .isEqualTo(new AppSettings.Shards(null, List.of()));
    assertThat(load("discord:\n  shards: 4\n").discord().shards())
        .isEqualTo(new AppSettings.Shards(4, List.of()));
    assertThat(error("discord:\n  shards: many\n")).contains("'discord.shards'");
    assertThat(error("discord:\n  shards: 0\n")).contains("'discord.shards'");
  }

  @Test
  void instancesSplitShardsByIdsAndTotal() {
    assertThat(load("discord:\n  shard-total: 8\n  shard-ids: 0-3\n").discord().shards())
        .isEqualTo(new AppSettings.Shards(8, List.of(0, 1, 2, 3)));
    assertThat(load("discord:\n  shard-total: 8\n  shard-ids: 1, 4-5\n").discord().shards())
        .isEqualTo(new AppSettings.Shards(8, List.of(1, 4, 5)));
    assertThat(load("discord:\n  shards: 8\n  shard-ids: 7\n").discord().shards())
        .isEqualTo(new AppSettings.Shards(8, List.of(7)));
  }

  @Test
  void shardIdsOutsideTheTotalOrWithoutOneAreRefused() {
    assertThat(error("discord:\n  shard-total: 8\n  shard-ids: 6-8\n"))
        .contains("'discord.shard-ids'");
    assertThat(error("discord:\n  shard-total: 8\n  shard-ids: 3-1\n"))
        .contains("'discord.shard-ids'");
    assertThat(error("discord:\n  shard-ids: 0-3\n")).contains("'discord.shard-ids'");
    assertThat(error("discord:\n  shards: auto\n  shard-ids: 0-3\n"))
        .contains("'discord.shard-ids'");
    assertThat(error("discord:\n  shards: 4\n  shard-total: 8\n"))
        .contains("'discord.shard-total'");
  }

  @Test
  void theInstanceIdNamesThisInstanceElseTheHostDoes() {
    assertThat(load("instance-id: bot-7\n").instanceId()).isEqualTo("bot-7");
    assertThat(load("{}\n").instanceId()).isEqualTo(Metrics.defaultInstance()).isNotBlank();
    assertThat(error("instance-id: \"bad id\"\n")).contains("'instance-id'");
    // The core holds its jobs' leases under the same id.
    assertThat(load("instance-id: bot-7\n").core().instanceId()).isEqualTo("bot-7");
  }

  @Test
  void theJobLeaseIsThirtySecondsUnlessSetAndAtLeastOne() {
    assertThat(load("{}\n").core().jobLease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(load("timeouts:\n  job-lease: 5s\n").core().jobLease())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(error("timeouts:\n  job-lease: 500ms\n")).contains("'timeouts.job-lease'");
  }
}
