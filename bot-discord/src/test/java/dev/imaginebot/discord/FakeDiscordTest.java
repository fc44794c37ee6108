package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Discord stand-in refuses what Discord refuses, so the bot's tests can't pass by luck. */
class FakeDiscordTest {
  static final User ALICE = new User(700000000000000001L, "alice", false);
  static final MediaType JSON = MediaType.get("application/json");

  final FakeDiscord discord = new FakeDiscord();
  final MutableClock clock = new MutableClock();
  final OkHttpClient http = new OkHttpClient();
  boolean connected;
  WebSocket gateway;

  @AfterEach
  void stop() {
    // The client side goes first, as JDA's does when a front-end closes.
    if (gateway != null) gateway.cancel();
    discord.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private int post(String route, DataObject body) throws IOException {
    Request request =
        new Request.Builder()
            .url(discord.restUrl() + route)
            .post(RequestBody.create(body.toString(), JSON))
            .build();
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  private int acknowledge(Interaction i) throws IOException {
    return post(
        "interactions/" + i.id() + "/" + i.token() + "/callback",
        DataObject.empty().put("type", 5));
  }

  private int followup(Interaction i, DataObject body) throws IOException {
    return post("webhooks/" + FakeDiscord.APP_ID + "/" + i.token(), body);
  }

  /** A bare gateway client standing in for JDA, so interactions can be sent without a bot. */
  private void connectGateway() throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(1);
    gateway =
        http.newWebSocket(
            new Request.Builder().url(discord.gatewayUrl()).build(),
            new WebSocketListener() {
              @Override
              public void onMessage(WebSocket ws, String text) {
                DataObject msg = DataObject.fromJson(text);
                if (msg.getInt("op") == 10) ws.send("{\"op\":2,\"d\":{}}");
                if ("GUILD_CREATE".equals(msg.getString("t", null))) ready.countDown();
              }
            });
    assertThat(ready.await(10, TimeUnit.SECONDS)).as("gateway ready").isTrue();
  }

  private Interaction slash() throws InterruptedException {
    if (!connected) {
      connectGateway();
      connected = true;
    }
    discord.useClock(clock);
    return discord.slash("imagine", ALICE).option("prompt", "x").send();
  }

  @Test
  void anInteractionIsAcknowledgedOnceAndWithinThreeSeconds() throws Exception {
    Interaction i = slash();
    assertThat(acknowledge(i)).isEqualTo(204);
    assertThat(acknowledge(i)).isEqualTo(400);

    Interaction late = slash();
    clock.advance(Duration.ofSeconds(4));
    assertThat(acknowledge(late)).isEqualTo(404);
  }

  private int editOriginal(Interaction i) throws IOException {
    Request request =
        new Request.Builder()
            .url(
                discord.restUrl()
                    + "webhooks/"
                    + FakeDiscord.APP_ID
                    + "/"
                    + i.token()
                    + "/messages/@original")
            .patch(RequestBody.create(DataObject.empty().put("content", "e").toString(), JSON))
            .build();
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  @Test
  void anInteractionNeverAcknowledgedHasNoWebhookForFollowupsOrEdits() throws Exception {
    Interaction i = slash();
    assertThat(followup(i, DataObject.empty().put("content", "too soon"))).isEqualTo(404);
    assertThat(editOriginal(i)).isEqualTo(404);
    assertThat(discord.pending(i.token()))
        .extracting(FakeDiscord.Call::kind)
        .containsExactly("refused", "refused");
    assertThat(discord.messages()).isEmpty();

    assertThat(acknowledge(i)).isEqualTo(204);
    assertThat(followup(i, DataObject.empty().put("content", "now"))).isEqualTo(200);
    assertThat(editOriginal(i)).isEqualTo(200);
  }

  @Test
  void aTokenDiesAfterFifteenMinutes() throws Exception {
    Interaction i = slash();
    acknowledge(i);
    assertThat(followup(i, DataObject.empty().put("content", "ok"))).isEqualTo(200);
    clock.advance(Duration.ofMinutes(16));
    assertThat(followup(i, DataObject.empty().put("content", "late"))).isEqualTo(401);
  }

  @Test
  void contentRowsAndCustomIdsOverDiscordsLimitsAreRefused() throws Exception {
    Interaction i = slash();
    acknowledge(i);
    assertThat(followup(i, DataObject.empty().put("content", "x".repeat(2001)))).isEqualTo(400);
    DataArray row = DataArray.empty();
    row.add(
        DataObject.empty()
            .put("type", 2)
            .put("style", 1)
            .put("label", "b")
            .put("custom_id", "x".repeat(101)));
    DataObject tooLong =
        DataObject.empty()
            .put("content", "hi")
            .put(
                "components",
                DataArray.empty().add(DataObject.empty().put("type", 1).put("components", row)));
    assertThat(followup(i, tooLong)).isEqualTo(400);
    DataArray rows = DataArray.empty();
    for (int r = 0; r < 6; r++)
      rows.add(DataObject.empty().put("type", 1).put("components", DataArray.empty()));
    assertThat(followup(i, DataObject.empty().put("content", "hi").put("components", rows)))
        .isEqualTo(400);
    assertThat(followup(i, DataObject.empty().put("content", "x".repeat(2000)))).isEqualTo(200);
  }

  @Test
  void embedsOverTheirLimitsAndDuplicateCustomIdsAreRefused() throws Exception {
    Interaction i = slash();
    acknowledge(i);
    DataObject longEmbed =
        DataObject.empty()
            .put("content", "hi")
            .put(
                "embeds",
                DataArray.empty().add(DataObject.empty().put("description", "x".repeat(4097))));
    assertThat(followup(i, longEmbed)).isEqualTo(400);
    DataArray row = DataArray.empty();
    for (int b = 0; b < 2; b++) {
      row.add(
          DataObject.empty()
              .put("type", 2)
              .put("style", 1)
              .put("label", "b")
              .put("custom_id", "same"));
    }
    DataObject twice =
        DataObject.empty()
            .put("content", "hi")
            .put(
                "components",
                DataArray.empty().add(DataObject.empty().put("type", 1).put("components", row)));
    assertThat(followup(i, twice)).isEqualTo(400);
  }

  private int followupWithFile(Interaction i, int bytes) throws IOException {
    RequestBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart("payload_json", DataObject.empty().put("content", "f").toString())
            .addFormDataPart(
                "files[0]",
                "image-1.png",
                RequestBody.create(new byte[bytes], MediaType.get("application/octet-stream")))
            .build();
    Request request =
        new Request.Builder()
            .url(discord.restUrl() + "webhooks/" + FakeDiscord.APP_ID + "/" + i.token())
            .post(body)
            .build();
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  @Test
  void aFileOverTheInteractionsUploadLimitIsRefusedWith413() throws Exception {
    connectGateway();
    connected = true;
    discord.useClock(clock);
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "x").sizeLimit(1000).send();
    acknowledge(i);
    assertThat(followupWithFile(i, 1000)).isEqualTo(200);
    assertThat(followupWithFile(i, 1001)).isEqualTo(413);
  }

  @Test
  void aFileWhoseNameLiesAboutItsTypeIsCaught() {
    byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0};
    assertThat(new FakeDiscord.FileData("files[0]", "image-1.png", jpeg).nameMatchesBytes())
        .isFalse();
    assertThat(new FakeDiscord.FileData("files[0]", "image-1.jpg", jpeg).nameMatchesBytes())
        .isTrue();
  }

  @Test
  void aChannelTheBotMayNotWriteInRefusesIt() throws IOException {
    discord.denySending(FakeDiscord.CHANNEL_ID);
    assertThat(
            post(
                "channels/" + FakeDiscord.CHANNEL_ID + "/messages",
                DataObject.empty().put("content", "hi")))
        .isEqualTo(403);
  }
}
