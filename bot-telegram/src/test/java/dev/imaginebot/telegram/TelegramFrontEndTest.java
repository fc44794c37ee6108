package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.telegram.FakeTelegramBotApi.ApiCall;
import dev.imaginebot.telegram.FakeTelegramBotApi.CallbackAnswer;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TelegramBots against {@link FakeTelegramBotApi}, with a hand-stepped {@link FakeBot}. */
class TelegramFrontEndTest {
  static final long USER = 1001;
  static final long OTHER = 1002;
  static final long GROUP = -100500;
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  LogCapture logs;
  FakeTelegramBotApi api;
  FakeBot bot;
  TelegramFrontEnd telegram;

  @BeforeEach
  void start() {
    logs = LogCapture.attach();
    api = new FakeTelegramBotApi("ImagineBot");
    bot = new FakeBot();
    telegram = TelegramFrontEnd.start(api.config(), bot);
  }

  @AfterEach
  void stop() {
    telegram.close();
    api.close();
    logs.close();
    assertThat(logs.lines()).noneMatch(line -> line.contains(FakeTelegramBotApi.TOKEN));
  }

  @Test
  void startupPublishesTheCommandMenuAndRegistersWithTheCore() {
    List<String> userCommands =
        List.of("imagine", "models", "history", "cancel", "settings", "help");
    List<String> allCommands =
        List.of(
            "imagine",
            "models",
            "history",
            "cancel",
            "settings",
            "help",
            "setdefault",
            "addmodel",
            "removemodel",
            "inspect",
            "audit");
    assertThat(api.commandMenus())
        .extracting(m -> m.scope(), m -> m.languageCode(), m -> m.names())
        .containsExactlyInAnyOrder(
            tuple("default", null, userCommands),
            tuple("default", "zh", userCommands),
            tuple("all_chat_administrators", null, allCommands),
            tuple("all_chat_administrators", "zh", allCommands));
    FakeTelegramBotApi.CommandMenu english = menu("all_chat_administrators", null);
    FakeTelegramBotApi.CommandMenu chinese = menu("all_chat_administrators", "zh");
    assertThat(english.commands())
        .containsEntry("models", "List the models you can use")
        .containsEntry("audit", "Admin: recent admin actions");
    assertThat(chinese.commands())
        .containsEntry("models", "列出可用的模型")
        .containsEntry("audit", "管理员：最近的管理操作");
    assertThat(menu("default", "zh").commands()).containsEntry("help", "我能做什么");
    assertThat(menu("default", null).commands()).containsEntry("help", "What I can do");
    // Exactly the core's catalogue: everyone's commands for everyone, all of them for admins.
    List<String> catalogue =
        CommandCatalogue.all().stream().map(CommandSpec::name).collect(Collectors.toList());
    List<String> everyones =
        CommandCatalogue.all().stream()
            .filter(c -> !c.adminOnly())
            .map(CommandSpec::name)
            .collect(Collectors.toList());
    assertThat(api.commandMenus())
        .allSatisfy(
            m ->
                assertThat(m.names())
                    .isEqualTo(m.scope().equals("default") ? everyones : catalogue));
    assertThat(bot.frontEnds).containsExactly(telegram);
    assertThat(telegram.botUsername()).isEqualTo("ImagineBot");
    assertThat(telegram.platform()).isEqualTo("telegram");
  }

  @Test
  void imagineShowsProgressEditsInOrderThenAnAlbumWithButtons() throws Exception {
    int command = api.send(USER, USER, "/imagine a cat --ar 16:9");

    FakeBot.Call call = bot.awaitCall();
    assertThat(call.name()).isEqualTo("imagine");
    assertThat(call.args()).isEqualTo("a cat --ar 16:9");
    assertThat(call.ctx().user().key()).isEqualTo("telegram:" + USER);
    assertThat(call.ctx().user().language()).isEqualTo("en");
    assertThat(call.ctx().chat().group()).isFalse();
    // The job is stored before anything is sent; its first event sends the status message,
    // whose place the core is then told.
    assertThat(call.ctx().replyRef()).isEqualTo(USER + ":reply:" + command);
    ChatMessage status = onlyBotMessage(USER);
    assertThat(status.replyTo).isEqualTo(command);
    await().atMost(WAIT).until(() -> (USER + ":" + status.id).equals(bot.moved.get(1L)));

    JobEventListener view = bot.events(call.ctx().view());
    step(view, new JobEvent.Accepted(1, 2, "mj"), status, "queued 2");
    step(view, new JobEvent.Waking(1, "mj"), status, "waking");
    step(
        view,
        new JobEvent.SpaceQueued(1, 1, 3, Optional.of(Duration.ofSeconds(4))),
        status,
        "space queue 1/3");
    step(view, new JobEvent.Progress(1, 3, 10, 0.3), status, "progress 3/10");
    step(view, new JobEvent.Progress(1, 6, 10, 0.6), status, "progress 6/10");

    StoredImage red = TestImages.png(dir, "a.png", 64, 48, Color.RED);
    StoredImage blue = TestImages.png(dir, "b.png", 64, 48, Color.BLUE);
    view.onEvent(
        new JobEvent.Completed(1, "a cat", "mj", 42L, Duration.ofSeconds(9), List.of(red, blue)));

    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    assertThat(status.history())
        .containsExactly(
            "queued 0",
            "queued 2",
            "waking",
            "space queue 1/3",
            "progress 3/10",
            "progress 6/10",
            "done: a cat · mj · seed 42");
    assertThat(status.buttonData()).containsExactly("reroll:1", "vary:1", "delete:1");
    assertThat(status.buttonLabels())
        .containsExactly("button.reroll", "button.vary", "button.delete");
    List<ChatMessage> photos = photos(USER);
    assertThat(photos).hasSize(2);
    assertThat(photos.get(0).mediaGroupId).isNotNull().isEqualTo(photos.get(1).mediaGroupId);
    assertThat(photos.get(0).photo).isEqualTo(Files.readAllBytes(red.file()));
    assertThat(photos.get(1).photo).isEqualTo(Files.readAllBytes(blue.file()));
    assertThat(photos.get(0).caption).isEqualTo("done: a cat · mj · seed 42");
    assertThat(photos.get(0).replyTo).isEqualTo(status.id);
    assertThat(api.chatActions(USER)).contains("upload_photo");
  }

  @Test
  void oneImageIsSentAsAPhoto() throws Exception {
    api.send(USER, USER, "/imagine a fox");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    StoredImage image = TestImages.png(dir, "fox.png", 32, 32, Color.ORANGE);
    bot.events(call.ctx().view())
        .onEvent(
            new JobEvent.Completed(1, "a fox", "flux", 7L, Duration.ofSeconds(2), List.of(image)));

    await().atMost(WAIT).until(() -> photos(USER).size() == 1);
    assertThat(photos(USER).get(0).mediaGroupId).isNull();
    assertThat(photos(USER).get(0).photo).isEqualTo(Files.readAllBytes(image.file()));
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    assertThat(api.calls("sendMediaGroup")).isEmpty();
  }

  @Test
  void groupCommandForUsIsHandledAndOneForAnotherBotIgnored() throws Exception {
    api.send(GROUP, USER, "/imagine@OtherBot a dog");
    api.send(GROUP, USER, "/imagine@ImagineBot a cat");

    FakeBot.Call call = bot.awaitCall();
    assertThat(call.args()).isEqualTo("a cat");
    assertThat(call.ctx().chat().group()).isTrue();
    assertThat(call.ctx().chat().id()).isEqualTo(Long.toString(GROUP));
    assertThat(bot.pollCall(500)).isNull();
    assertThat(api.botMessages(GROUP)).hasSize(1);
  }

  @Test
  void adminCommandInGroupAsksTelegramWhoAdministersTheChat() throws Exception {
    api.setMember(GROUP, USER, "member");
    int first = api.send(GROUP, USER, "/setdefault flux");
    FakeBot.Call refused = bot.awaitCall();
    assertThat(refused.name()).isEqualTo("setdefault");
    assertThat(refused.ctx().platformAdmin()).isFalse();
    ChatMessage refusal = awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == first);
    assertThat(refusal.text()).isEqualTo("Only admins can do that.");

    api.setMember(GROUP, USER, "administrator");
    int second = api.send(GROUP, USER, "/setdefault@ImagineBot flux");
    FakeBot.Call allowed = bot.awaitCall();
    assertThat(allowed.ctx().platformAdmin()).isTrue();
    ChatMessage done = awaitBotMessage(GROUP, m -> m.replyTo != null && m.replyTo == second);
    assertThat(done.text()).isEqualTo("ok setdefault flux");
    assertThat(api.calls("getChatMember")).hasSize(2);
  }

  @Test
  void userCommandsDoNotAskForChatAdmins() throws Exception {
    api.send(GROUP, USER, "/models");
    FakeBot.Call call = bot.awaitCall();
    assertThat(call.name()).isEqualTo("models");
    awaitBotMessage(GROUP, m -> m.text().equals("ok models"));
    assertThat(api.calls("getChatMember")).isEmpty();
  }

  @Test
  void replyingToTheBotWithAPromptStartsImagine() throws Exception {
    api.send(USER, USER, "/help");
    bot.awaitCall();
    ChatMessage help = awaitBotMessage(USER, m -> m.text().equals("ok help"));

    api.send(USER, USER, "a red fox in the snow", help.id);
    FakeBot.Call call = bot.awaitCall();
    assertThat(call.name()).isEqualTo("imagine");
    assertThat(call.args()).isEqualTo("a red fox in the snow");
  }

  @Test
  void errorReplyReplacesTheStatusMessage() throws Exception {
    api.send(USER, USER, "/imagine");
    bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    await().atMost(WAIT).until(() -> status.text().equals("Please describe the image you want."));
  }

  @Test
  void faultInTheCoreBecomesAFriendlyMessageWithARef() throws Exception {
    bot.nextFault = new IllegalStateException("database down");
    api.send(USER, USER, "/imagine a cat");
    bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    await().atMost(WAIT).until(() -> status.text().startsWith("error.INTERNAL ["));

    bot.nextFault = new IllegalStateException("database down");
    int command = api.send(USER, USER, "/models");
    bot.awaitCall();
    ChatMessage message =
        awaitBotMessage(USER, m -> m.text().startsWith("error.INTERNAL [") && m != status);
    assertThat(message.text()).doesNotContain("database down").doesNotContain("Exception");
    assertThat(command).isPositive();
  }

  @Test
  void rerollButtonStartsANewJobWithItsOwnStatusMessage() throws Exception {
    ChatMessage first = completedJob(USER, USER);
    String press = api.press(USER, USER, first.id, "reroll:1");

    CallbackAnswer answer = api.awaitAnswer(press);
    assertThat(answer.showAlert()).isFalse();
    FakeBot.Call call = bot.awaitCall();
    assertThat(call.kind()).isEqualTo("press");
    assertThat(call.name()).isEqualTo("reroll:1");
    ChatMessage second =
        awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == first.id && m.photo == null);
    assertThat(call.ctx().replyRef()).isEqualTo(USER + ":reply:" + first.id);
    await().atMost(WAIT).until(() -> (USER + ":" + second.id).equals(bot.moved.get(call.jobId())));
    bot.events(call.ctx().view()).onEvent(new JobEvent.Progress(call.jobId(), 1, 4, 0.25));
    await().atMost(WAIT).until(() -> second.text().equals("progress 1/4"));
    assertThat(first.text()).isEqualTo("done: a cat · mj · seed 42");
  }

  @Test
  void cancelButtonWhileRunningAnswersWithAToastAndClearsTheButtons() throws Exception {
    api.send(USER, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    step(
        bot.events(call.ctx().view()),
        new JobEvent.Progress(1, 1, 4, 0.25),
        status,
        "progress 1/4");
    assertThat(status.buttonData()).containsExactly("cancel:1");
    assertThat(status.buttonLabels()).containsExactly("button.cancel");

    String press = api.press(USER, USER, status.id, "cancel:1");

    CallbackAnswer answer = api.awaitAnswer(press);
    assertThat(answer.showAlert()).isFalse();
    assertThat(answer.text()).isEqualTo("Cancelled job #1.");
    await().atMost(WAIT).until(() -> status.text().equals("cancelled"));
    assertThat(status.buttonData()).isEmpty();
    assertThat(api.botMessages(USER)).hasSize(1);
  }

  @Test
  void deleteButtonRemovesTheStatusMessageAndTheAlbum() throws Exception {
    ChatMessage status = completedJob(USER, USER);
    String press = api.press(USER, USER, status.id, "delete:1");

    assertThat(api.awaitAnswer(press).showAlert()).isFalse();
    await().atMost(WAIT).until(() -> api.botMessages(USER).isEmpty());
    assertThat(api.chatLog(USER).stream().filter(m -> m.fromBot && m.deleted)).hasSize(3);
  }

  @Test
  void deleteByAnotherUserIsRefusedWithAnAlert() throws Exception {
    api.setMember(GROUP, OTHER, "member");
    ChatMessage status = completedJob(GROUP, USER);
    String press = api.press(GROUP, OTHER, status.id, "delete:1");

    CallbackAnswer answer = api.awaitAnswer(press);
    assertThat(answer.showAlert()).isTrue();
    assertThat(answer.text()).isEqualTo("Only the person who asked can delete it.");
    assertThat(api.botMessages(GROUP)).hasSize(3);
  }

  @Test
  void deleteByAGroupAdministratorIsAllowed() throws Exception {
    api.setMember(GROUP, OTHER, "administrator");
    ChatMessage status = completedJob(GROUP, USER);
    String press = api.press(GROUP, OTHER, status.id, "delete:1");

    assertThat(api.awaitAnswer(press).showAlert()).isFalse();
    await().atMost(WAIT).until(() -> api.botMessages(GROUP).isEmpty());
  }

  @Test
  void aPendingReplySaysWorkingThenBecomesTheAnswer() throws Exception {
    CompletableFuture<Reply> answer = new CompletableFuture<>();
    bot.nextReply = Reply.pending("Reading the Space...", answer);
    int command = api.send(USER, USER, "/addmodel sdxl owner/sdxl");
    bot.awaitCall();
    ChatMessage working = awaitBotMessage(USER, m -> m.replyTo != null && m.replyTo == command);
    assertThat(working.text()).isEqualTo("Reading the Space...");

    answer.complete(Reply.error("Could not read a Gradio app at owner/sdxl."));
    await().atMost(WAIT).until(() -> working.text().startsWith("Could not read"));
    assertThat(api.botMessages(USER)).hasSize(1);
  }

  @Test
  void aPendingPersonalReplyInAGroupWaitsAndAnswersPrivately() throws Exception {
    api.start(USER);
    api.setMember(GROUP, USER, "administrator");
    CompletableFuture<Reply> answer = new CompletableFuture<>();
    bot.nextReply = Reply.pending("Checking...", answer).asPersonal();
    api.send(GROUP, USER, "/inspect flux");
    bot.awaitCall();
    ChatMessage working = awaitBotMessage(USER, m -> m.text().equals("Checking..."));

    answer.complete(Reply.message("Model flux (FLUX), status: ok").asPersonal());
    await().atMost(WAIT).until(() -> working.text().startsWith("Model flux"));
    assertThat(api.botMessages(GROUP)).isEmpty();
  }

  @Test
  void aReplyLongerThanOneMessageIsSentInPartsWithTheButtonsOnTheLast() throws Exception {
    String line = "\ud83e\udd8a fox ".repeat(500);
    String text = line + "\n" + line + "\n" + line;
    bot.nextReply = Reply.message(text, List.of(new Button("history:2", "Next")));
    api.send(USER, USER, "/models");
    bot.awaitCall();

    await().atMost(WAIT).until(() -> api.botMessages(USER).size() == 3);
    List<ChatMessage> parts = api.botMessages(USER);
    assertThat(parts).extracting(ChatMessage::text).containsExactly(line, line, line);
    assertThat(parts)
        .allSatisfy(m -> assertThat(m.text().length()).isLessThanOrEqualTo(Texts.MESSAGE_LIMIT));
    assertThat(parts.get(0).buttonData()).isEmpty();
    assertThat(parts.get(2).buttonData()).containsExactly("history:2");
  }

  @Test
  void historyPageButtonReplacesTheMessageItIsOn() throws Exception {
    api.send(USER, USER, "/history");
    bot.awaitCall();
    ChatMessage page = awaitBotMessage(USER, m -> m.text().startsWith("page 1"));
    assertThat(page.buttonData()).containsExactly("history:2", "rerun:1");

    String press = api.press(USER, USER, page.id, "history:2");
    api.awaitAnswer(press);
    await().atMost(WAIT).until(() -> page.text().equals("page 2"));
    assertThat(page.buttonData()).containsExactly("history:1");
  }

  @Test
  void rateLimitedEditIsRetriedAfterRetryAfter() throws Exception {
    api.send(USER, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    api.rateLimitNext("editMessageText", 1);

    bot.events(call.ctx().view()).onEvent(new JobEvent.Progress(1, 1, 4, 0.25));

    await().atMost(WAIT).until(() -> status.text().equals("progress 1/4"));
    List<ApiCall> edits = api.calls("editMessageText");
    assertThat(edits).hasSize(2);
    assertThat(edits.get(0).status()).isEqualTo(429);
    assertThat(edits.get(1).status()).isEqualTo(200);
    assertThat(Duration.between(edits.get(0).at(), edits.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(990));
    assertThat(api.botMessages(USER)).hasSize(1);
  }

  @Test
  void notModifiedIsTreatedAsSuccess() throws Exception {
    api.send(USER, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    api.notModifiedNext("editMessageText");

    bot.events(call.ctx().view()).onEvent(new JobEvent.Accepted(1, 1, "mj"));
    await().atMost(WAIT).until(() -> api.calls("editMessageText").size() == 1);
    bot.events(call.ctx().view()).onEvent(new JobEvent.Progress(1, 1, 2, 0.5));

    await().atMost(WAIT).until(() -> status.text().equals("progress 1/2"));
    assertThat(api.calls("editMessageText")).hasSize(2);
    assertThat(api.botMessages(USER)).hasSize(1);
    assertThat(logs.lines()).noneMatch(l -> l.startsWith("WARN") && l.contains("not modified"));
  }

  @Test
  void editsInAGroupAreSpacedByTheGroupInterval() throws Exception {
    api.send(GROUP, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(GROUP);
    JobEventListener view = bot.events(call.ctx().view());
    step(view, new JobEvent.Accepted(1, 3, "mj"), status, "queued 3");
    step(view, new JobEvent.Progress(1, 1, 2, 0.5), status, "progress 1/2");
    step(view, new JobEvent.Progress(1, 2, 2, 1.0), status, "progress 2/2");

    List<ApiCall> edits = api.calls("editMessageText");
    assertThat(edits).hasSize(3);
    for (int i = 1; i < edits.size(); i++) {
      assertThat(Duration.between(edits.get(i - 1).at(), edits.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(380));
    }
  }

  @Test
  void pendingProgressEditsCollapseIntoTheNewest() throws Exception {
    api.send(GROUP, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(GROUP);
    JobEventListener view = bot.events(call.ctx().view());
    step(view, new JobEvent.Accepted(1, 0, "mj"), status, "queued 0");
    for (int i = 1; i <= 5; i++) view.onEvent(new JobEvent.Progress(1, i, 5, i / 5.0));

    await().atMost(WAIT).until(() -> status.text().equals("progress 5/5"));
    assertThat(status.history().size()).isLessThan(7);
  }

  @Test
  void oversizePhotoIsShrunkWithFit() throws Exception {
    byte[] small = TestImages.png(40, 30, Color.GREEN);
    bot.fitResult = small;
    api.send(USER, USER, "/imagine huge");
    FakeBot.Call call = bot.awaitCall();
    StoredImage huge = TestImages.big(dir, "huge.png", 10_500_000, 2048, 2048);

    bot.events(call.ctx().view())
        .onEvent(
            new JobEvent.Completed(1, "huge", "flux", 1L, Duration.ofSeconds(3), List.of(huge)));

    await().atMost(WAIT).until(() -> photos(USER).size() == 1);
    assertThat(photos(USER).get(0).photo).isEqualTo(small);
    assertThat(bot.fitCalls).containsExactly(ImagesStep.PHOTO_MAX_BYTES);
  }

  @Test
  void photoTelegramRefusesIsSentAsADocument() throws Exception {
    api.photoByteLimit(50);
    api.send(USER, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    StoredImage image = TestImages.png(dir, "cat.png", 64, 64, Color.GRAY);

    bot.events(call.ctx().view())
        .onEvent(
            new JobEvent.Completed(1, "a cat", "mj", 1L, Duration.ofSeconds(1), List.of(image)));

    ChatMessage document = awaitBotMessage(USER, m -> m.document != null);
    assertThat(document.document).isEqualTo(Files.readAllBytes(image.file()));
    assertThat(document.caption).isEqualTo("done: a cat · mj · seed 1");
    assertThat(api.calls("sendPhoto")).extracting(ApiCall::status).containsExactly(413);
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
  }

  @Test
  void albumTelegramRefusesIsSentAsDocuments() throws Exception {
    api.photoByteLimit(50);
    api.send(USER, USER, "/imagine two cats");
    FakeBot.Call call = bot.awaitCall();
    List<StoredImage> images =
        List.of(
            TestImages.png(dir, "1.png", 8, 8, Color.RED),
            TestImages.png(dir, "2.png", 8, 8, Color.BLUE));

    bot.events(call.ctx().view())
        .onEvent(new JobEvent.Completed(1, "two cats", "mj", 1L, Duration.ofSeconds(1), images));

    await()
        .atMost(WAIT)
        .until(() -> api.botMessages(USER).stream().filter(m -> m.document != null).count() == 2);
  }

  @Test
  void imageOutsideThePhotoDimensionsIsSentAsADocument() throws Exception {
    api.send(USER, USER, "/imagine a tall tower");
    FakeBot.Call call = bot.awaitCall();
    StoredImage tall = TestImages.png(dir, "tall.png", 10, 400, Color.BLACK);

    bot.events(call.ctx().view())
        .onEvent(
            new JobEvent.Completed(
                1, "a tall tower", "mj", 1L, Duration.ofSeconds(1), List.of(tall)));

    ChatMessage document = awaitBotMessage(USER, m -> m.document != null);
    assertThat(document.document).isEqualTo(Files.readAllBytes(tall.file()));
    assertThat(api.calls("sendPhoto")).isEmpty();
  }

  @Test
  void restartedFrontEndEditsTheSameStatusMessage() throws Exception {
    api.send(USER, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(USER);
    step(
        bot.events(call.ctx().view()),
        new JobEvent.Progress(1, 1, 4, 0.25),
        status,
        "progress 1/4");
    await().atMost(WAIT).until(() -> bot.moved.containsKey(1L));
    String replyRef = bot.moved.get(1L);
    telegram.close();

    FakeBot restartedCore = new FakeBot();
    telegram = TelegramFrontEnd.start(api.config(), restartedCore);
    JobEventListener view =
        restartedCore.events(restartedCore.frontEnds.get(0).reattach(1, replyRef));
    view.onEvent(
        new JobEvent.Failed(
            1, dev.imaginebot.core.job.ErrorCode.BOT_RESTARTED, null, Optional.empty()));

    await().atMost(WAIT).until(() -> status.text().equals("failed: BOT_RESTARTED"));
    assertThat(api.botMessages(USER)).hasSize(1);
  }

  @Test
  void unknownCommandInPrivateGoesToTheCoreButInGroupsIsLeftToOtherBots() throws Exception {
    api.send(GROUP, USER, "/weather");
    api.send(USER, USER, "/weather");
    FakeBot.Call call = bot.awaitCall();
    assertThat(call.ctx().chat().group()).isFalse();
    assertThat(call.name()).isEqualTo("weather");
    assertThat(bot.pollCall(300)).isNull();
  }

  @Test
  void aGroupUpgradedToASupergroupIsFollowedAndTheJobsLaterCallsGoThere() throws Exception {
    long supergroup = -1_001_005_001L;
    api.migrate(GROUP, supergroup);
    // Sent in the old group just before the upgrade, delivered after it.
    api.send(GROUP, USER, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();

    ChatMessage status = onlyBotMessage(supergroup);
    assertThat(status.text()).isEqualTo("queued 0");
    JobEventListener view = bot.events(call.ctx().view());
    step(view, new JobEvent.Progress(1, 3, 10, 0.3), status, "progress 3/10");
    view.onEvent(
        new JobEvent.Completed(
            1,
            "a cat",
            "mj",
            42L,
            Duration.ofSeconds(5),
            List.of(
                TestImages.png(dir, "m1.png", 16, 16, Color.RED),
                TestImages.png(dir, "m2.png", 16, 16, Color.BLUE))));
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    await().atMost(WAIT).until(() -> photos(supergroup).size() == 2);

    assertThat(api.botMessages(GROUP)).isEmpty();
    // Told once; every later call of the job went to the new chat at once.
    assertThat(api.calls())
        .filteredOn(c -> c.status() == 400 && c.description().contains("upgraded"))
        .hasSize(1);
  }

  // ---- helpers ----

  /** Runs a job to completion with two images; returns its status message. */
  private ChatMessage completedJob(long chatId, long userId) throws Exception {
    api.send(chatId, userId, "/imagine a cat");
    FakeBot.Call call = bot.awaitCall();
    ChatMessage status = onlyBotMessage(chatId);
    bot.events(call.ctx().view())
        .onEvent(
            new JobEvent.Completed(
                call.jobId(),
                "a cat",
                "mj",
                42L,
                Duration.ofSeconds(5),
                List.of(
                    TestImages.png(dir, "c1.png", 16, 16, Color.RED),
                    TestImages.png(dir, "c2.png", 16, 16, Color.BLUE))));
    await().atMost(WAIT).until(() -> status.buttonData().size() == 3);
    await().atMost(WAIT).until(() -> photos(chatId).size() == 2);
    return status;
  }

  private void step(JobEventListener view, JobEvent event, ChatMessage status, String expected) {
    view.onEvent(event);
    await().atMost(WAIT).until(() -> status.text().equals(expected));
  }

  private ChatMessage onlyBotMessage(long chatId) {
    await().atMost(WAIT).until(() -> !api.botMessages(chatId).isEmpty());
    List<ChatMessage> messages = api.botMessages(chatId);
    assertThat(messages).hasSize(1);
    return messages.get(0);
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

  private FakeTelegramBotApi.CommandMenu menu(String scope, String languageCode) {
    return api.commandMenus().stream()
        .filter(m -> m.scope().equals(scope) && Objects.equals(m.languageCode(), languageCode))
        .findFirst()
        .orElseThrow();
  }
}
