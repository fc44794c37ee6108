package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The front-end with JDA's shard manager against {@link FakeDiscord} serving four shards: this
 * instance runs two of them (as one of two instances splitting the shards would), or as many as
 * {@code GET /gateway/bot} recommends, and answers an interaction from the guild on a shard other
 * than 0.
 */
class DiscordShardingTest {
  static final User ALICE = new User(400000000000000001L, "alice", false);

  FakeDiscord discord;
  FakeBot bot;
  DiscordFrontEnd frontEnd;

  @BeforeEach
  void start() {
    discord = new FakeDiscord();
    discord.shards(4);
    bot = new FakeBot();
  }

  @AfterEach
  void stop() {
    if (frontEnd != null) frontEnd.close();
    discord.close();
  }

  private DiscordConfig config(DiscordConfig.Shards shards) {
    return discord.config(null, new MutableClock()).withShards(shards);
  }

  @Test
  void twoOfFourShardsConnectAndTheGuildsShardAnswersItsInteraction() throws Exception {
    int guildShard = discord.shardOf(FakeDiscord.GUILD_ID);
    assertThat(guildShard).as("the fake's guild lives on a shard other than 0").isNotZero();

    frontEnd =
        DiscordFrontEnd.start(config(new DiscordConfig.Shards(4, List.of(0, guildShard))), bot);

    assertThat(discord.connectedShards()).containsExactlyInAnyOrder(0, guildShard);
    assertThat(frontEnd.shards())
        .containsExactly(
            new DiscordFrontEnd.Shard(0, "CONNECTED"),
            new DiscordFrontEnd.Shard(guildShard, "CONNECTED"));
    assertThat(frontEnd.shardsTotal()).isEqualTo(4);
    assertThat(discord.refusedIdentifies()).isEmpty();
    Interaction models = discord.slash("models", ALICE).send();
    assertThat(bot.next().command()).isEqualTo("models");
    assertThat(discord.next(models.token(), "edit").content()).isEqualTo("ok models");
  }

  @Test
  void autoRunsAsManyShardsAsDiscordRecommends() throws Exception {
    frontEnd = DiscordFrontEnd.start(config(new DiscordConfig.Shards(null, List.of())), bot);

    assertThat(discord.connectedShards()).containsExactlyInAnyOrder(0, 1, 2, 3);
    Interaction models = discord.slash("models", ALICE).send();
    assertThat(bot.next().command()).isEqualTo("models");
    assertThat(discord.next(models.token(), "edit").content()).isEqualTo("ok models");
  }

  @Test
  void theStandInRefusesAnIdentifyWithAnotherShardTotal() throws Exception {
    LinkedBlockingQueue<String> closes = new LinkedBlockingQueue<>();
    OkHttpClient http = new OkHttpClient();
    WebSocket ws =
        http.newWebSocket(
            new Request.Builder().url(discord.gatewayUrl().replace("ws://", "http://")).build(),
            new WebSocketListener() {
              @Override
              public void onMessage(WebSocket socket, String text) {
                if (text.contains("\"op\":10")) {
                  socket.send(
                      "{\"op\":2,\"d\":{\"token\":\"fake-token\",\"intents\":0,"
                          + "\"properties\":{},\"shard\":[1,2]}}");
                }
              }

              @Override
              public void onClosing(WebSocket socket, int code, String reason) {
                closes.add(code + " " + reason);
                socket.close(1000, null);
              }
            });
    try {
      assertThat(closes.poll(10, TimeUnit.SECONDS)).isEqualTo("4010 Invalid shard");
      assertThat(discord.refusedIdentifies()).containsExactly("[1, 2]");
      assertThat(discord.connectedShards()).isEmpty();
    } finally {
      ws.cancel();
      http.dispatcher().executorService().shutdown();
    }
  }

  @Test
  void aShardSetThatDoesNotFitItsTotalIsRefusedBeforeConnecting() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new DiscordConfig.Shards(4, List.of(0, 4)))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new DiscordConfig.Shards(null, List.of(0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new DiscordConfig.Shards(2, List.of(1)).ids()).containsExactly(1);
  }
}
