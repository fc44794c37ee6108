package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.Replies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands and buttons through the real core, with Spaces faked. */
class CommandsTest {
  private static final UserRef ROOT = new UserRef("console", "root", "Root", "en");
  private static final UserRef ALICE = new UserRef("console", "alice", "Alice", "en");
  private static final UserRef BOB = new UserRef("console", "bob", "Bob", "en");
  private static final ChatRef ROOM = new ChatRef("console", "room", true);

  @TempDir Path dir;
  private RealBot bot;
  private final FakeSpaceGateway gateway = new FakeSpaceGateway().completeAtOnce(true);

  @BeforeEach
  void start() {
    bot =
        RealBot.start(
            new CoreConfig(
                dir,
                null,
                List.of(
                    new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a"))),
                    new ModelConfig("mj", "MJ", List.of(BackendConfig.discover("b")))),
                "flux",
                Set.of(ROOT.key()),
                new Limits(1, 10, 4, 1000, 1 << 20),
                Duration.ZERO,
                "en",
                GradioSettings.defaults()),
            gateway);
  }

  @AfterEach
  void stop() {
    bot.close();
  }

  private static CommandContext ctx(UserRef user, boolean platformAdmin, RecordingView view) {
    return new CommandContext(user, ROOM, platformAdmin, "reply-ref", view);
  }

  private Reply run(UserRef user, boolean platformAdmin, String command, String args) {
    return Replies.settled(
        bot.handle(ctx(user, platformAdmin, new RecordingView()), command, args));
  }

  private JobEvent lastImagine;

  /** The id of the button the core shows after {@code event} for {@code action}. */
  private String button(JobEvent event, String action) {
    return bot.buttons(event, "en").stream()
        .map(Button::id)
        .filter(id -> id.startsWith(action + ":"))
        .findFirst()
        .orElseThrow();
  }

  private JobEvent.Completed imagine(UserRef user, String args) {
    RecordingView view = new RecordingView();
    Reply r = bot.handle(ctx(user, false, view), "imagine", args);
    assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.JOB_STARTED);
    lastImagine = view.terminal();
    return (JobEvent.Completed) lastImagine;
  }

  @Test
  void adminCommandsAreRefusedToOrdinaryUsers() {
    for (String command : List.of("setdefault", "addmodel", "removemodel", "inspect", "audit")) {
      Reply r = run(ALICE, false, command, "flux");
      assertThat(r.kind()).as(command).isEqualTo(Reply.Kind.ERROR);
      assertThat(r.text()).as(command).contains("Only admins");
    }
  }

  @Test
  void platformAdminsSetTheChatDefaultButOnlyBotAdminsTheGlobalOne() {
    Reply chat = run(ALICE, true, "setdefault", "mj");
    assertThat(chat.kind()).isEqualTo(Reply.Kind.MESSAGE);
    assertThat(imagine(BOB, "a cat").model()).isEqualTo("mj");

    assertThat(run(ALICE, true, "setdefault", "mj global").text()).contains("Only admins");
    assertThat(run(ROOT, false, "setdefault", "mj global").kind()).isEqualTo(Reply.Kind.MESSAGE);

    Reply audit = run(ROOT, false, "audit", "");
    assertThat(audit.text())
        .contains("console:alice")
        .contains("console:root")
        .contains("global mj");
  }

  @Test
  void theUsersOwnDefaultWinsOverTheChats() {
    run(ROOT, false, "setdefault", "mj");
    run(ALICE, false, "settings", "model flux");
    assertThat(imagine(ALICE, "a cat").model()).isEqualTo("flux");
    assertThat(imagine(BOB, "a cat").model()).isEqualTo("mj");
  }

  @Test
  void onlyTheRequesterOrAnAdminMayDelete() {
    long id = imagine(ALICE, "a cat").jobId();
    JobEvent.Completed done = (JobEvent.Completed) lastImagine;
    Reply refused = bot.press(ctx(BOB, false, new RecordingView()), button(done, "delete"));
    assertThat(refused.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(refused.ephemeral()).isTrue();
    assertThat(bot.jobs().find(id)).isPresent();
    assertThat(bot.press(ctx(ALICE, false, new RecordingView()), button(done, "delete")).kind())
        .isEqualTo(Reply.Kind.DELETE_MESSAGE);
    assertThat(bot.jobs().find(id)).isEmpty();

    JobEvent.Completed other = imagine(ALICE, "a dog");
    assertThat(bot.press(ctx(BOB, true, new RecordingView()), button(other, "delete")).kind())
        .isEqualTo(Reply.Kind.DELETE_MESSAGE);
  }

  @Test
  void rerollAndVariationsStartNewJobs() {
    JobEvent.Completed first = imagine(ALICE, "a cat --seed 5");
    RecordingView view = new RecordingView();
    Reply reroll = bot.press(ctx(ALICE, false, view), button(first, "reroll"));
    assertThat(reroll.kind()).isEqualTo(Reply.Kind.JOB_STARTED);
    JobEvent.Completed rerolled = (JobEvent.Completed) view.terminal();
    assertThat(rerolled.prompt()).isEqualTo("a cat");
    RecordingView varyView = new RecordingView();
    bot.press(ctx(ALICE, false, varyView), button(first, "vary"));
    assertThat(((JobEvent.Completed) varyView.terminal()).images()).hasSize(4);
    assertThat(bot.buttons(first, "en"))
        .extracting(b -> b.id().substring(0, b.id().lastIndexOf(':')))
        .containsExactly(
            "reroll:" + first.jobId(), "vary:" + first.jobId(), "delete:" + first.jobId());
  }

  @Test
  void historyIsPagedNewestFirstWithRerunButtons() {
    for (int i = 0; i < 7; i++) imagine(ALICE, "picture " + i);
    Reply page1 = run(ALICE, false, "history", "");
    assertThat(page1.text())
        .contains("page 1 of 2")
        .contains("picture 6")
        .contains("In all: 7 jobs, 7 images")
        .doesNotContain("picture 1");
    String next = page1.buttons().get(page1.buttons().size() - 1).id();
    assertThat(next).startsWith("history:2:");
    assertThat(page1.buttons().get(0).id()).startsWith("rerun:");
    Reply page2 = bot.press(ctx(ALICE, false, new RecordingView()), next);
    assertThat(page2.text()).contains("picture 0").contains("picture 1");
    assertThat(run(BOB, false, "history", "").text()).contains("no images yet");
  }

  @Test
  void addModelReadsTheSpaceFirstAndRemoveModelOnlyRemovesAddedOnes() {
    Reply bad = run(ROOT, false, "addmodel", "gone missing-space");
    assertThat(bad.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(bad.text())
        .startsWith("Could not read a Gradio app at missing-space.")
        .containsPattern("\\(ref [0-9a-f]{4}\\)")
        .doesNotContain("SPACE_NOT_FOUND")
        .doesNotContain("no such Space");
    Reply added = run(ROOT, false, "addmodel", "sdxl owner/sdxl");
    assertThat(added.text()).contains("Added model sdxl").contains("endpoint /infer");
    assertThat(bot.modelAliases("s")).containsExactly("sdxl");
    assertThat(imagine(ALICE, "a cat sdxl").model()).isEqualTo("sdxl");
    assertThat(run(ROOT, false, "inspect", "sdxl").text())
        .contains("owner/sdxl")
        .contains("<- prompt");
    assertThat(run(ROOT, false, "removemodel", "flux").kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(run(ROOT, false, "removemodel", "sdxl").kind()).isEqualTo(Reply.Kind.MESSAGE);
    assertThat(bot.modelAliases("")).containsExactly("flux", "mj");
  }

  @Test
  void aTypedRequestTakesItsPromptLiterally() {
    gateway.completeAtOnce(false);
    Reply r =
        bot.imagine(
            ctx(ALICE, false, new RecordingView()), GenerationRequest.of("a cat --seed 7 mj"));
    assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.JOB_STARTED);
    var job = bot.jobs().find(r.jobId()).orElseThrow();
    assertThat(job.request().prompt()).isEqualTo("a cat --seed 7 mj");
    assertThat(job.request().seed()).isNull();
    assertThat(job.model()).isEqualTo("flux");
    assertThat(gateway.nextCall().args.get(0)).isEqualTo("a cat --seed 7 mj");
  }

  @Test
  void aTypedRequestIsCheckedAsFlagsAre() {
    CommandContext ctx = ctx(ALICE, false, new RecordingView());
    Reply bad = bot.imagine(ctx, GenerationRequest.of("a cat").withModel("flx").withSeed(-1L));
    assertThat(bad.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(bad.text()).contains("Did you mean: flux");
    assertThat(bot.imagine(ctx, GenerationRequest.of("   ")).text()).contains("describe");
    Reply typedModel =
        bot.run(ctx, "imagine", new CommandOptions(Map.of("prompt", "a cat", "model", "MJ")));
    assertThat(typedModel.kind()).as(typedModel.text()).isEqualTo(Reply.Kind.JOB_STARTED);
    assertThat(bot.jobs().find(typedModel.jobId()).orElseThrow().model()).isEqualTo("mj");
  }

  @Test
  void typedOptionsRunTheSameCommandsAsText() {
    Reply both =
        bot.run(
            ctx(ALICE, false, new RecordingView()),
            "settings",
            new CommandOptions(Map.of("model", "mj", "language", "zh-CN")));
    assertThat(both.personal()).isTrue();
    assertThat(both.text()).contains("mj").contains("\n");
    assertThat(run(ALICE, false, "settings", "").text()).contains("mj").contains("zh-CN");
    Reply global =
        bot.run(
            ctx(ROOT, false, new RecordingView()),
            "setdefault",
            new CommandOptions(Map.of("model", "mj", "global", true)));
    assertThat(global.text()).isEqualTo("The global default model is now mj.");
    Reply refused =
        bot.run(
            ctx(ALICE, true, new RecordingView()),
            "setdefault",
            new CommandOptions(Map.of("model", "mj", "global", true)));
    assertThat(refused.kind()).isEqualTo(Reply.Kind.ERROR);
  }

  @Test
  void everyOnboardingProblemAndRefusalReachesAChineseAdminInChinese() {
    UserRef root = new UserRef("console", "root", "Root", "zh-CN");
    gateway.api("owner/nothing", new dev.imaginebot.gradio.ApiInfo(List.of()));
    java.util.Map<String, String> asked = new java.util.LinkedHashMap<>();
    asked.put("ENDPOINT_GONE", "gone owner/sdxl /nope");
    asked.put("NO_IMAGE_ENDPOINT", "nothing owner/nothing");
    asked.put("refused", "inside internal-host");
    asked.put("unreachable", "lost missing-space");
    assertThat(asked.keySet())
        .containsAll(
            java.util.Arrays.stream(dev.imaginebot.core.model.Onboarding.Problem.Kind.values())
                .map(Enum::name)
                .toList());
    for (var e : asked.entrySet()) {
      Reply r =
          Replies.settled(
              bot.handle(ctx(root, false, new RecordingView()), "addmodel", e.getValue()));
      assertThat(r.kind()).as(e.getKey()).isEqualTo(Reply.Kind.ERROR);
      assertThat(r.personal()).as(e.getKey()).isTrue();
      assertThat(r.text())
          .as(e.getKey())
          .containsPattern("\\p{IsHan}")
          .doesNotContain("Could not", "is gone", "no endpoint", "takes a text prompt", "none")
          .doesNotContain("SPACE_NOT_FOUND", "HOST_REFUSED", "no such Space", "loopback");
    }
    assertThat(run(ROOT, false, "addmodel", "gone owner/sdxl /nope").text())
        .isEqualTo(
            "Could not use that Space: its endpoint /nope is gone (the Space now has: /infer)");
  }

  @Test
  void badRequestsGetSpecificErrorsInTheUsersLanguage() {
    Reply unknown = run(ALICE, false, "imagine", "a cat --model flx");
    assertThat(unknown.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(unknown.text()).contains("Did you mean: flux");
    run(ALICE, false, "settings", "language zh-CN");
    assertThat(run(ALICE, false, "imagine", "").text()).contains("请描述");
    assertThat(run(ALICE, false, "frobnicate", "").text()).contains("未知命令");
  }

  @Test
  void usersCancelTheirOwnJobsOnly() {
    gateway.completeAtOnce(false);
    RecordingView view = new RecordingView();
    long id = bot.handle(ctx(ALICE, false, view), "imagine", "slow").jobId();
    gateway.nextCall();
    String cancel = button(new JobEvent.Accepted(id, 1, "flux"), "cancel");
    assertThat(bot.press(ctx(BOB, false, new RecordingView()), cancel).text())
        .contains("Only admins");
    assertThat(run(ALICE, false, "cancel", "").kind()).isEqualTo(Reply.Kind.MESSAGE);
    assertThat(view.terminal()).isInstanceOf(JobEvent.Cancelled.class);
    assertThat(bot.jobs().find(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aDegradedModelIsWordedInTheUsersLanguageAndItsDetailKeptForAdmins() {
    bot.close();
    bot =
        RealBot.start(
            new CoreConfig(
                dir.resolve("degraded"),
                null,
                List.of(
                    new ModelConfig("gone", "Gone", List.of(BackendConfig.discover("missing")))),
                "gone",
                Set.of(ROOT.key()),
                new Limits(1, 10, 4, 1000, 1 << 20),
                Duration.ZERO,
                "en",
                GradioSettings.defaults()),
            gateway);
    UserRef zh = new UserRef("console", "li", "Li", "zh-CN");
    String cause =
        new dev.imaginebot.core.i18n.Messages("en").text("zh-CN", "degraded.SPACE_NOT_FOUND");
    // The start-up check finds the Space missing in the background.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> run(zh, false, "models", "").text().contains(cause));
    assertThat(run(zh, false, "models", "").text()).doesNotContain("Space not found");

    Reply refused = run(zh, false, "imagine", "a cat");
    assertThat(refused.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(refused.text())
        .contains(cause)
        .doesNotContain("Space not found", "degraded.", "SPACE_NOT_FOUND");

    assertThat(run(ROOT, false, "inspect", "gone").text())
        .contains("its Space could not be found")
        .contains("Detail (as logged): Space not found");
  }
}
