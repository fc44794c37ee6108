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
import dev.imaginebot.telegram.FakeTelegramBotApi.CallbackAnswer;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.nio.file.Path;
import java.time.Duration;
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
 * Trust boundaries over the whole stack (real TelegramBots, {@link FakeTelegramBotApi}, the real
 * core, real Gradio apps): a group's administrator acts in that group only, buttons act only where
 * they were sent, and what belongs to one user is answered to them privately.
 */
class TelegramTrustBoundaryTest {
  static final long ROOT = 3001;
  static final long G1_ADMIN = 3011;
  static final long G2_USER = 3022;
  static final long USER = 3033;
  static final long STRANGER = 3044;
  static final long G1 = -300100;
  static final long G2 = -300200;
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  GradioTestServer gradio;
  FakeTelegramBotApi api;
  Bot bot;
  TelegramFrontEnd telegram;

  @BeforeEach
  void start() {
    gradio = GradioTestServer.shared(GradioTestServer.latest());
    api = new FakeTelegramBotApi("ImagineBot");
    api.setMember(G1, G1_ADMIN, "administrator");
    bot = Bot.start(config());
    telegram = TelegramFrontEnd.start(api.config(), bot);
  }

  @AfterEach
  void stop() {
    for (long chat : List.of(G1, G2, USER, G1_ADMIN)) {
      api.chatLog(chat).forEach(m -> System.out.println("chat " + chat + ": " + m));
    }
    if (telegram != null) telegram.close();
    if (bot != null) bot.close();
    api.close();
  }

  private CoreConfig config() {
    return new CoreConfig(
        dir,
        null,
        List.of(
            new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover(gradio.url("flux")))),
            // A Space call that blocks until the test releases it: its prompt is the hold key.
            new ModelConfig(
                "hold",
                "Hold",
                List.of(
                    new BackendConfig(
                        gradio.url("queue"),
                        "/hold",
                        Map.of("seconds", 60),
                        Map.of("prompt", "key"),
                        1)))),
        "flux",
        Set.of("telegram:" + ROOT),
        new Limits(2, 5, 2, 1000, 25L * 1024 * 1024),
        Duration.ofMillis(200),
        "en",
        GradioSettings.defaults());
  }

  /** Sends a command and waits for the bot's message that answers it in the same chat. */
  private ChatMessage ask(long chat, long user, String text) {
    int id = api.send(chat, user, text);
    return awaitBotMessage(chat, m -> m.replyTo != null && m.replyTo == id);
  }

  /** The answer to an {@code /addmodel}: its "working" message, once the answer replaced it. */
  private ChatMessage added(long chat, long user, String text) {
    ChatMessage working = ask(chat, user, text);
    String wait = bot.text("en", "cmd.addmodel.working");
    await().atMost(WAIT).until(() -> !working.text().equals(wait));
    return working;
  }

  @Test
  void aGroupAdminsModelStaysInTheirGroupAndAGlobalOneIsNotTheirsToRemove() {
    assertThat(added(G1, G1_ADMIN, "/addmodel evil " + gradio.url("flux")).text())
        .contains("Added model evil for this chat only.");
    assertThat(ask(G1, G1_ADMIN, "/models").text()).contains("evil");
    assertThat(ask(G2, G2_USER, "/models").text()).doesNotContain("evil");
    assertThat(ask(USER, USER, "/imagine a cat --model evil").text())
        .contains("There is no model called \"evil\"");

    assertThat(added(ROOT, ROOT, "/addmodel shared " + gradio.url("flux")).text())
        .contains("Added model shared.");
    assertThat(ask(G1, G1_ADMIN, "/removemodel shared").text())
        .isEqualTo(bot.text("en", "cmd.removemodel.global", "shared"));
    ChatMessage status = ask(G2, G2_USER, "/imagine a cat shared");
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    assertThat(status.text()).startsWith("Done: \"a cat\" · shared");
  }

  @Test
  void aGroupAdminsAuditShowsTheirGroupOnlyAndArrivesPrivately() {
    api.start(G1_ADMIN);
    ask(ROOT, ROOT, "/setdefault flux global");
    ask(G1, G1_ADMIN, "/setdefault flux");

    int audit = api.send(G1, G1_ADMIN, "/audit");
    ChatMessage inPrivate = awaitBotMessage(G1_ADMIN, m -> m.text().startsWith("Recent admin"));
    assertThat(inPrivate.text()).contains("telegram:" + G1_ADMIN).doesNotContain("global flux");
    assertThat(api.botMessages(G1)).noneMatch(m -> m.text().startsWith("Recent admin"));
    await().atMost(WAIT).until(() -> answers(G1, audit).size() == 1);
    assertThat(answers(G1, audit)).containsExactly(bot.text("en", "cmd.private.sent"));

    ChatMessage full = ask(ROOT, ROOT, "/audit");
    assertThat(full.text()).contains("global flux").contains("telegram:" + G1_ADMIN);
  }

  @Test
  void craftedCallbacksFromAnotherGroupDoNothingButSaySo() throws Exception {
    String key = "tg-" + UUID.randomUUID();
    ChatMessage waiting = ask(G2, G2_USER, "/imagine " + key + " hold");
    await().atMost(WAIT).until(() -> waiting.buttonData().size() == 1);
    String cancel = waiting.buttonData().get(0);
    String job = cancel.split(":")[1];
    ChatMessage g1Message = ask(G1, G1_ADMIN, "/models");

    CallbackAnswer bare =
        api.awaitAnswer(api.pressCrafted(G1, G1_ADMIN, g1Message.id, "cancel:" + job));
    assertThat(bare.showAlert()).isTrue();
    assertThat(bare.text()).isEqualTo("This button has expired: run the command again.");
    CallbackAnswer forged =
        api.awaitAnswer(
            api.pressCrafted(G1, G1_ADMIN, g1Message.id, "cancel:" + job + ":AAAAAAAAAAAAAAAA"));
    assertThat(forged.text()).isEqualTo(bot.text("en", "cmd.button.unknown"));
    CallbackAnswer foreign = api.awaitAnswer(api.pressCrafted(G1, G1_ADMIN, g1Message.id, cancel));
    assertThat(foreign.showAlert()).isTrue();
    assertThat(foreign.text())
        .isEqualTo("This button belongs to another chat, so it does nothing here.");
    assertThat(waiting.text()).doesNotStartWith("Cancelled");

    gradio.release(key);
    await().atMost(WAIT).until(() -> waiting.text().contains("no image"));
  }

  @Test
  void historyAskedInAGroupGoesToTheUserAndNeverShowsTheirPrivatePrompts() {
    ChatMessage secret = ask(USER, USER, "/imagine secret-prompt-xyz flux");
    await().atMost(WAIT).until(() -> secret.buttonData().size() == 3);
    ChatMessage inGroup = ask(G1, USER, "/imagine group prompt flux");
    await().atMost(WAIT).until(() -> inGroup.buttonData().size() == 3);

    int asked = api.send(G1, USER, "/history");
    ChatMessage history = awaitBotMessage(USER, m -> m.text().startsWith("Your images"));
    assertThat(history.text()).contains("group prompt").doesNotContain("secret-prompt-xyz");
    await().atMost(WAIT).until(() -> answers(G1, asked).size() == 1);
    assertThat(answers(G1, asked)).containsExactly(bot.text("en", "cmd.private.sent"));
    assertThat(api.chatLog(G1)).noneMatch(m -> m.text() != null && m.text().contains("secret"));

    // Someone who never started the bot can't get a private answer: the group gets a pointer.
    ChatMessage pointer = ask(G1, STRANGER, "/history");
    assertThat(pointer.text()).isEqualTo(bot.text("en", "cmd.private.blocked"));
  }

  @Test
  void aRerunFromPrivateHistoryPressedInAGroupIsRefused() throws Exception {
    ChatMessage secret = ask(USER, USER, "/imagine secret-prompt-xyz flux");
    await().atMost(WAIT).until(() -> secret.buttonData().size() == 3);
    ChatMessage history = ask(USER, USER, "/history");
    String rerun = history.buttonData().get(0);
    assertThat(rerun).startsWith("rerun:");
    ChatMessage g1Message = ask(G1, G1_ADMIN, "/models");

    CallbackAnswer refused = api.awaitAnswer(api.pressCrafted(G1, G1_ADMIN, g1Message.id, rerun));
    assertThat(refused.showAlert()).isTrue();
    assertThat(refused.text()).isEqualTo(bot.text("en", "cmd.button.elsewhere"));
    // The placeholder for the job that would have started goes away again.
    await()
        .atMost(WAIT)
        .until(() -> api.botMessages(G1).stream().noneMatch(m -> m.text().equals("⏳")));
    assertThat(api.chatLog(G1)).noneMatch(m -> m.text() != null && m.text().contains("secret"));
  }

  @Test
  void aRefusedCommandInAGroupGoesToTheSenderAndTheGroupSeesOnlyAPointer() {
    api.start(USER);
    String pointer = bot.text("en", "cmd.private.sent");
    int unknown = api.send(G1, USER, "/imagine a cat --model nosuch");
    ChatMessage refusal =
        awaitBotMessage(USER, m -> m.text().startsWith("There is no model called \"nosuch\""));
    await().atMost(WAIT).until(() -> answers(G1, unknown).size() == 1);
    assertThat(answers(G1, unknown)).containsExactly(pointer);

    int badFlag = api.send(G1, USER, "/imagine a cat --ar banana");
    await().atMost(WAIT).until(() -> answers(G1, badFlag).size() == 1);
    assertThat(answers(G1, badFlag)).containsExactly(pointer);
    assertThat(api.botMessages(USER)).hasSize(2);
    assertThat(api.botMessages(USER).get(1).text()).isNotBlank().isNotEqualTo(refusal.text());

    int notAdmin = api.send(G1, USER, "/addmodel evil " + gradio.url("flux"));
    await().atMost(WAIT).until(() -> answers(G1, notAdmin).size() == 1);
    assertThat(answers(G1, notAdmin)).containsExactly(pointer);
    assertThat(api.botMessages(USER).get(2).text())
        .isEqualTo(bot.text("en", "error.NOT_ALLOWED") + "\n" + bot.text("en", "hint.NOT_ALLOWED"));
    assertThat(api.chatLog(G1))
        .noneMatch(m -> m.fromBot && m.text() != null && m.text().contains("nosuch"));
  }

  @Test
  void aRefusalForSomeoneWhoNeverStartedTheBotIsSaidInTheGroupWithoutInternals() {
    ChatMessage refusal = ask(G1, STRANGER, "/imagine a cat --model nosuch");
    assertThat(refusal.text())
        .startsWith("There is no model called \"nosuch\"")
        .doesNotContain("UNKNOWN_MODEL", "Exception", "ref ");
    assertThat(api.chatLog(STRANGER)).isEmpty();
    assertThat(api.calls("sendMessage"))
        .anyMatch(c -> c.status() == 403 && c.description().contains("initiate conversation"));
  }

  /** The texts of the bot's messages in a chat that reply to message {@code id}. */
  private List<String> answers(long chatId, int id) {
    return api.botMessages(chatId).stream()
        .filter(m -> m.replyTo != null && m.replyTo == id)
        .map(ChatMessage::text)
        .toList();
  }

  private ChatMessage awaitBotMessage(long chatId, Predicate<ChatMessage> which) {
    return await()
        .atMost(WAIT)
        .until(
            () -> api.botMessages(chatId).stream().filter(which).findFirst().orElse(null),
            m -> m != null);
  }
}
