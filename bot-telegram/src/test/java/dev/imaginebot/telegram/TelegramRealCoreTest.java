package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.gradio.testing.GradioTestServer;
import dev.imaginebot.telegram.FakeTelegramBotApi.ApiCall;
import dev.imaginebot.telegram.FakeTelegramBotApi.CallbackAnswer;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack: real TelegramBots against {@link FakeTelegramBotApi}, the real core ({@link
 * Bot#start}) with H2 in a temp dir, and real Gradio apps ({@code /mj} returns a gallery of two,
 * {@code /flux} one image, a ~12 MB one for "huge").
 */
class TelegramRealCoreTest {
  static final long USER = 2001;
  static final long OTHER = 2002;
  static final long GROUP = -200500;
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  GradioTestServer gradio;
  LogCapture logs;
  FakeTelegramBotApi api;
  Bot bot;
  TelegramFrontEnd telegram;

  @BeforeEach
  void start() {
    gradio = GradioTestServer.shared(GradioTestServer.latest());
    logs = LogCapture.attach();
    api = new FakeTelegramBotApi("ImagineBot");
    bot = Bot.start(config(false));
    telegram = TelegramFrontEnd.start(api.config(), bot);
  }

  @AfterEach
  void stop() {
    // What the users saw, for the report of a failed test.
    for (long chat : List.of(USER, GROUP)) {
      api.chatLog(chat).forEach(m -> System.out.println("chat " + chat + ": " + m));
    }
    if (telegram != null) telegram.close();
    if (bot != null) bot.close();
    api.close();
    logs.close();
    assertThat(logs.lines()).noneMatch(line -> line.contains(FakeTelegramBotApi.TOKEN));
  }

  private CoreConfig config(boolean withHold) {
    List<ModelConfig> models = new ArrayList<>();
    models.add(new ModelConfig("mj", "MJ", List.of(BackendConfig.discover(gradio.url("mj")))));
    models.add(
        new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover(gradio.url("flux")))));
    if (withHold) {
      // A Space call that blocks until the test releases it: its prompt is the hold key.
      models.add(
          new ModelConfig(
              "hold",
              "Hold",
              List.of(
                  new BackendConfig(
                      gradio.url("queue"),
                      "/hold",
                      Map.of("seconds", 60),
                      Map.of("prompt", "key"),
                      1))));
    }
    return new CoreConfig(
        dir,
        null,
        models,
        "mj",
        Set.of(),
        new Limits(1, 5, 1, 1000, 25L * 1024 * 1024),
        Duration.ofMillis(200),
        "en",
        GradioSettings.defaults());
  }

  @Test
  void everyUpdateIsStoredBeforeTelegramIsToldItArrived() {
    java.util.Map<Integer, Boolean> storedWhenConfirmed =
        new java.util.concurrent.ConcurrentHashMap<>();
    // At the instant the bot confirms an update, storing it again must find it stored already.
    api.onConfirm(
        id -> storedWhenConfirmed.put(id, !bot.receive("telegram", "update:" + id, "{}")));
    List<Integer> commands = new ArrayList<>();
    for (int i = 0; i < 5; i++)
      commands.add(api.send(USER, USER, "/imagine a kite " + i + " flux"));
    await().atMost(WAIT).until(() -> storedWhenConfirmed.size() >= 5);
    assertThat(storedWhenConfirmed.values()).containsOnly(true);
    for (int command : commands) {
      ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
      await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    }
  }

  @Test
  void anUpdateStoredButNotHandledBeforeACrashIsHandledAtTheNextStart() throws Exception {
    telegram.close();
    bot.close();
    bot = Bot.start(config(false));
    // What the previous run stored when long polling got the update, before it could handle it.
    String update = api.webhookUpdate(USER, USER, "/imagine a harbour at night flux");
    com.fasterxml.jackson.databind.JsonNode node =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(update);
    int messageId = node.path("message").path("message_id").asInt();
    assertThat(bot.receive("telegram", "update:" + node.path("update_id").asInt(), update))
        .isTrue();
    assertThat(bot.pending("telegram")).hasSize(1);

    telegram = TelegramFrontEnd.start(api.config(), bot);
    ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == messageId);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    assertThat(status.text()).startsWith("Done: \"a harbour at night\" · flux");
    await().atMost(WAIT).until(() -> bot.pending("telegram").isEmpty());
    assertThat(api.botMessages(USER))
        .filteredOn(m -> m.replyTo != null && m.replyTo == messageId)
        .hasSize(1);
  }

  @Test
  void imagineEndsWithAnAlbumOfTwoUnderTheStatusMessageWithButtons() {
    int command = api.send(USER, USER, "/imagine a lighthouse at dusk --seed 7 --n 2 mj");

    ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);

    List<String> history = status.history();
    assertThat(history.get(0)).startsWith("Queued");
    assertThat(history.get(history.size() - 1))
        .startsWith("Done: \"a lighthouse at dusk\" · mj · seed 7");
    assertThat(history.stream().filter(t -> t.startsWith("Queued")).findFirst())
        .as("history %s", history)
        .isPresent();
    assertThat(
            history.indexOf(history.stream().filter(t -> t.startsWith("Queued")).findFirst().get()))
        .isLessThan(history.size() - 1);
    String job = status.buttonData().get(0).split(":")[1];
    assertThat(status.buttonData())
        .extracting(data -> data.substring(0, data.lastIndexOf(':')))
        .containsExactly("reroll:" + job, "vary:" + job, "delete:" + job);
    assertThat(status.buttonLabels()).containsExactly("Reroll", "Variations", "Delete");

    await().atMost(WAIT).until(() -> photos(USER).size() == 2);
    List<ChatMessage> album = photos(USER);
    assertThat(album.get(0).mediaGroupId).isNotNull().isEqualTo(album.get(1).mediaGroupId);
    assertThat(album.get(0).caption).isEqualTo(status.text());
    assertThat(album.get(0).replyTo).isEqualTo(status.id);
    assertThat(album.get(0).photo).startsWith(0x89, 'P', 'N', 'G');
    assertThat(album.get(0).photo).isNotEqualTo(album.get(1).photo);
    assertThat(api.chatActions(USER)).contains("upload_photo");
  }

  @Test
  void aUserWhoChoseChineseSeesProgressAndTheResultInChinese() {
    // Telegram says English; the user's /settings language says Chinese, and that wins everywhere.
    int set = api.send(USER, USER, "/settings language zh-CN");
    awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == set);
    int command = api.send(USER, USER, "/imagine a paper lantern --seed 3 flux");

    ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    List<String> history = status.history();
    assertThat(history)
        .as("every status text")
        .allSatisfy(t -> assertThat(t).doesNotContain("Queued", "Generating", "Done"));
    assertThat(history.get(0)).startsWith("\u5df2\u6392\u961f");
    assertThat(history.get(history.size() - 1))
        .startsWith(
            "\u5b8c\u6210\uff1a\u201ca paper lantern\u201d \u00b7 flux \u00b7 \u79cd\u5b50 3");
    await().atMost(WAIT).until(() -> photos(USER).size() == 1);
    assertThat(photos(USER).get(0).caption).startsWith("\u5b8c\u6210");
  }

  @Test
  void groupCommandForUsRunsAndOneForAnotherBotIsIgnored() {
    int other = api.send(GROUP, USER, "/imagine@OtherBot a dog flux");
    int ours = api.send(GROUP, USER, "/imagine@ImagineBot a cat flux");

    ChatMessage status = awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == ours);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    assertThat(status.text()).startsWith("Done: \"a cat\" · flux");
    await().atMost(WAIT).until(() -> photos(GROUP).size() == 1);
    assertThat(api.botMessages(GROUP)).noneMatch(m -> m.replyTo != null && m.replyTo == other);
  }

  @Test
  void adminCommandIsRefusedToAMemberAndAllowedToAChatAdministrator() {
    api.setMember(GROUP, USER, "member");
    int first = api.send(GROUP, USER, "/setdefault flux");
    ChatMessage refusal = awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == first);
    assertThat(refusal.text()).contains("Only admins can do that.");

    api.setMember(GROUP, USER, "administrator");
    int second = api.send(GROUP, USER, "/setdefault@ImagineBot flux");
    ChatMessage done = awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == second);
    assertThat(done.text()).contains("The default model for this chat is now flux.");
    assertThat(api.calls("getChatMember")).hasSize(2);
  }

  @Test
  void rerollStartsANewJobAndDeleteIsRefusedToOthersButDoneForTheOwner() throws Exception {
    api.setMember(GROUP, OTHER, "member");
    int command = api.send(GROUP, USER, "/imagine a red fox --seed 3 --n 2 mj");
    ChatMessage status = awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == command);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    await().atMost(WAIT).until(() -> photos(GROUP).size() == 2);
    List<String> buttons = status.buttonData();

    String reroll = api.press(GROUP, USER, status.id, buttons.get(0));
    assertThat(api.awaitAnswer(reroll).showAlert()).isFalse();
    ChatMessage second =
        awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == status.id && m.photo == null);
    await().atMost(WAIT).until(() -> second.buttonData().size() == 3);
    assertThat(second.text()).startsWith("Done: \"a red fox\" · mj");
    // A reroll asks for one image with a new seed.
    await().atMost(WAIT).until(() -> photos(GROUP).stream().anyMatch(p -> p.replyTo == second.id));

    String refused = api.press(GROUP, OTHER, status.id, buttons.get(2));
    CallbackAnswer no = api.awaitAnswer(refused);
    assertThat(no.showAlert()).isTrue();
    assertThat(no.text()).contains("Only the person who asked for this image");
    assertThat(status.deleted).isFalse();

    String delete = api.press(GROUP, USER, status.id, buttons.get(2));
    assertThat(api.awaitAnswer(delete).showAlert()).isFalse();
    await().atMost(WAIT).until(() -> status.deleted);
    await().atMost(WAIT).until(() -> photos(GROUP).stream().noneMatch(p -> p.replyTo == status.id));
    assertThat(second.deleted).isFalse();
    assertThat(photos(GROUP)).isNotEmpty().allMatch(p -> p.replyTo == second.id);
  }

  @Test
  void rateLimitedEditIsRetriedAfterRetryAfterAndTheJobStillEnds() {
    api.rateLimitNext("editMessageText", 1);
    int command = api.send(USER, USER, "/imagine a lighthouse --n 2 mj");

    ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    List<ApiCall> edits = api.calls("editMessageText");
    assertThat(edits.get(0).status()).isEqualTo(429);
    assertThat(edits.get(1).status()).isEqualTo(200);
    assertThat(Duration.between(edits.get(0).at(), edits.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(990));
    await().atMost(WAIT).until(() -> photos(USER).size() == 2);
  }

  @Test
  void hugeImageIsReEncodedToFitAPhoto() {
    int command = api.send(USER, USER, "/imagine huge noise flux");

    ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    ChatMessage sent = awaitBotMessage(USER, m -> m.photo != null || m.document != null);
    assertThat(sent.photo).as("sent as a photo").isNotNull();
    assertThat(sent.photo.length).isLessThanOrEqualTo(10_000_000).isGreaterThan(1000);
    assertThat(api.calls("sendPhoto")).extracting(ApiCall::status).containsExactly(200);
  }

  @Test
  void photoTelegramRefusesIsSentAsADocument() {
    api.photoByteLimit(100);
    int command = api.send(USER, USER, "/imagine a cat flux");

    ChatMessage status = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    ChatMessage document = awaitBotMessage(USER, m -> m.document != null);
    assertThat(document.document).startsWith(0x89, 'P', 'N', 'G');
    assertThat(api.calls("sendPhoto")).extracting(ApiCall::status).containsExactly(413);
  }

  @Test
  void restartMidJobEndsWithTheSameStatusMessagesUpdated() {
    telegram.close();
    bot.close();
    bot = Bot.start(config(true));
    telegram = TelegramFrontEnd.start(api.config(), bot);
    String key = "tg-" + UUID.randomUUID();

    // Job 1 holds the only running slot until the test releases it; job 2 waits behind it.
    int first = api.send(USER, USER, "/imagine " + key + " hold");
    ChatMessage holding = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == first);
    await().atMost(WAIT).until(() -> holding.text().startsWith("Generating"));
    int second = api.send(USER, USER, "/imagine a lighthouse --seed 11 --n 2 mj");
    ChatMessage waiting = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == second);
    await().atMost(WAIT).until(() -> waiting.text().startsWith("Queued"));

    // The core gives the running job its close deadline, then stops with both jobs unfinished.
    bot.close();
    telegram.close();
    assertThat(holding.text()).startsWith("Generating");
    assertThat(waiting.text()).startsWith("Queued");

    bot = Bot.start(config(true));
    telegram = TelegramFrontEnd.start(api.config(), bot);
    gradio.release(key);

    await().atMost(WAIT).until(() -> waiting.buttonData().size() == 3);
    assertThat(waiting.text()).startsWith("Done: \"a lighthouse\" · mj · seed 11");
    await().atMost(WAIT).until(() -> photos(USER).size() == 2);
    assertThat(photos(USER)).allMatch(p -> p.replyTo == waiting.id);
    await().atMost(WAIT).until(() -> holding.text().contains("no image"));
    assertThat(api.botMessages(USER)).hasSize(4);
  }

  private ChatMessage awaitBotMessage(long chatId, Predicate<ChatMessage> which) {
    return await()
        .atMost(WAIT)
        .until(
            () -> api.botMessages(chatId).stream().filter(which).findFirst().orElse(null),
            m -> m != null);
  }

  private List<ChatMessage> photos(long chatId) {
    return api.botMessages(chatId).stream().filter(m -> m.photo != null).toList();
  }
}
