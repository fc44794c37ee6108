package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.Replies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what, and where: bot admins for everything global, a chat's admins for their chat
 * only; buttons act only in the chat of their job. Through the real core, with Spaces faked.
 */
class ScopedAuthorityTest {
  private static final UserRef ROOT = new UserRef("telegram", "1", "Root", "en");
  private static final UserRef G1_ADMIN = new UserRef("telegram", "11", "Ann", "en");
  private static final UserRef G2_ADMIN = new UserRef("telegram", "22", "Ben", "en");
  private static final UserRef MEMBER = new UserRef("telegram", "33", "Cat", "en");
  private static final ChatRef G1 = new ChatRef("telegram", "-100", true);
  private static final ChatRef G2 = new ChatRef("telegram", "-200", true);

  @TempDir Path dir;
  private RealBot bot;
  private final FakeSpaceGateway gateway = new FakeSpaceGateway().completeAtOnce(true);

  @BeforeEach
  void start() {
    bot = startBot();
  }

  private RealBot startBot() {
    return RealBot.start(
        new CoreConfig(
            dir,
            null,
            List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a")))),
            "flux",
            Set.of(ROOT.key()),
            new Limits(2, 10, 4, 1000, 1 << 20),
            Duration.ZERO,
            "en",
            GradioSettings.defaults()),
        gateway);
  }

  @AfterEach
  void stop() {
    bot.close();
  }

  private static ChatRef dm(UserRef user) {
    return new ChatRef(user.platform(), user.id(), false);
  }

  private Reply run(UserRef user, ChatRef chat, boolean chatAdmin, String command, String args) {
    return Replies.settled(
        bot.handle(
            new CommandContext(user, chat, chatAdmin, null, new RecordingView()), command, args));
  }

  private Reply press(UserRef user, ChatRef chat, boolean chatAdmin, String id) {
    return bot.press(new CommandContext(user, chat, chatAdmin, null, new RecordingView()), id);
  }

  private JobEvent imagine(UserRef user, ChatRef chat, String args) {
    RecordingView view = new RecordingView();
    Reply r = bot.handle(new CommandContext(user, chat, false, null, view), "imagine", args);
    assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.JOB_STARTED);
    return view.terminal();
  }

  private String button(JobEvent event, String action) {
    return bot.buttons(event, "en").stream()
        .map(Button::id)
        .filter(id -> id.startsWith(action + ":"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aChatAdminsModelIsSeenInTheirChatOnly() {
    Reply added = run(G1_ADMIN, G1, true, "addmodel", "evil owner/evil");
    assertThat(added.kind()).as(added.text()).isEqualTo(Reply.Kind.MESSAGE);
    assertThat(added.text()).contains("for this chat only");

    assertThat(run(MEMBER, G1, false, "models", "").text()).contains("evil");
    assertThat(((JobEvent.Completed) imagine(MEMBER, G1, "a cat evil")).model()).isEqualTo("evil");
    assertThat(run(MEMBER, G2, false, "models", "").text()).doesNotContain("evil");
    assertThat(run(MEMBER, dm(MEMBER), false, "imagine", "a cat --model evil").text())
        .contains("no model called \"evil\"");
    assertThat(bot.modelAliases("")).containsExactly("flux");
    assertThat(bot.modelAliases("e", G1)).containsExactly("evil");
    assertThat(bot.modelAliases("e", G2)).isEmpty();
  }

  @Test
  void aChatAdminCannotTakeOrRemoveAGlobalModel() {
    assertThat(run(ROOT, dm(ROOT), false, "addmodel", "shared owner/shared").text())
        .contains("Added model shared.");

    Reply taken = run(G1_ADMIN, G1, true, "addmodel", "shared owner/other");
    assertThat(taken.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(taken.text()).contains("already a model called shared");
    Reply removed = run(G1_ADMIN, G1, true, "removemodel", "shared");
    assertThat(removed.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(removed.text()).isEqualTo(bot.text("en", "cmd.removemodel.global", "shared"));

    assertThat(((JobEvent.Completed) imagine(MEMBER, G2, "a cat shared")).model())
        .isEqualTo("shared");
    assertThat(run(ROOT, G2, false, "removemodel", "shared").kind()).isEqualTo(Reply.Kind.MESSAGE);
  }

  @Test
  void aChatAdminRemovesTheirChatsModelsButNotAnotherChats() {
    run(G1_ADMIN, G1, true, "addmodel", "mine owner/mine");
    assertThat(run(G2_ADMIN, G2, true, "removemodel", "mine").text()).contains("no added model");
    assertThat(run(MEMBER, G1, false, "models", "").text()).contains("mine");
    assertThat(run(G1_ADMIN, G1, true, "removemodel", "mine").kind()).isEqualTo(Reply.Kind.MESSAGE);
    assertThat(run(MEMBER, G1, false, "models", "").text()).doesNotContain("mine");
  }

  @Test
  void aChatHasAtMostTenModelsOfItsOwn() {
    for (int i = 0; i < 10; i++) {
      assertThat(run(G1_ADMIN, G1, true, "addmodel", "m" + i + " owner/m" + i).kind())
          .isEqualTo(Reply.Kind.MESSAGE);
    }
    assertThat(run(G1_ADMIN, G1, true, "addmodel", "m10 owner/m10").text())
        .isEqualTo(bot.text("en", "cmd.addmodel.chatLimit", 10));
    assertThat(run(G1_ADMIN, G1, true, "addmodel", "m3 owner/other").kind())
        .isEqualTo(Reply.Kind.MESSAGE);
    assertThat(run(G2_ADMIN, G2, true, "addmodel", "m10 owner/m10").kind())
        .isEqualTo(Reply.Kind.MESSAGE);
  }

  @Test
  void aChatAdminsAuditShowsTheirChatAndABotAdminsShowsAll() {
    run(G1_ADMIN, G1, true, "setdefault", "flux");
    run(G2_ADMIN, G2, true, "addmodel", "g2model owner/g2");

    Reply g1 = run(G1_ADMIN, G1, true, "audit", "");
    assertThat(g1.personal()).isTrue();
    assertThat(g1.text()).contains("telegram:11").doesNotContain("telegram:22", "g2model");
    assertThat(run(G2_ADMIN, G2, true, "audit", "").text())
        .contains("g2model")
        .doesNotContain("telegram:11");
    assertThat(run(ROOT, dm(ROOT), false, "audit", "").text())
        .contains("telegram:11")
        .contains("g2model");
    assertThat(run(MEMBER, G1, false, "audit", "").text()).contains("Only admins");
  }

  @Test
  void aChatAdminSetsTheirChatsDefaultOnly() {
    run(G1_ADMIN, G1, true, "addmodel", "mine owner/mine");
    assertThat(run(G1_ADMIN, G1, true, "setdefault", "mine").kind()).isEqualTo(Reply.Kind.MESSAGE);
    assertThat(((JobEvent.Completed) imagine(MEMBER, G1, "a cat")).model()).isEqualTo("mine");
    assertThat(((JobEvent.Completed) imagine(MEMBER, G2, "a cat")).model()).isEqualTo("flux");
    assertThat(run(G1_ADMIN, G1, true, "setdefault", "flux global").text()).contains("Only admins");
  }

  @Test
  void buttonIdsAreSignedAndShortEnoughForEveryPlatform() {
    JobEvent done = imagine(MEMBER, G1, "a cat");
    for (Button b : bot.buttons(done, "en")) {
      assertThat(b.id().split(":")).hasSize(3);
      assertThat(b.id().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
    }
    assertThat(button(done, "reroll")).isNotEqualTo(button(done, "vary"));
  }

  @Test
  void aCraftedCancelFromAnotherChatDoesNothingButSaySo() {
    gateway.completeAtOnce(false);
    RecordingView view = new RecordingView();
    long id =
        bot.handle(new CommandContext(MEMBER, G2, false, null, view), "imagine", "slow").jobId();
    gateway.nextCall();
    String real = button(new JobEvent.Accepted(id, 1, "flux"), "cancel");

    Reply bare = press(G1_ADMIN, G1, true, "cancel:" + id);
    assertThat(bare.text()).isEqualTo(bot.text("en", "cmd.button.expired"));
    Reply forged = press(G1_ADMIN, G1, true, "cancel:" + id + ":AAAAAAAAAAAAAAAA");
    assertThat(forged.text()).isEqualTo(bot.text("en", "cmd.button.unknown"));
    Reply foreign = press(G1_ADMIN, G1, true, real);
    assertThat(foreign.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(foreign.personal()).isTrue();
    assertThat(foreign.text()).isEqualTo(bot.text("en", "cmd.button.elsewhere"));
    Reply typed = run(G1_ADMIN, G1, true, "cancel", Long.toString(id));
    assertThat(typed.text()).contains("Only admins");
    assertThat(bot.jobs().find(id).orElseThrow().state()).isNotEqualTo(JobState.CANCELLED);

    Reply own = press(G2_ADMIN, G2, true, real);
    assertThat(own.text()).contains("Cancelled job #" + id);
    assertThat(view.terminal()).isInstanceOf(JobEvent.Cancelled.class);
  }

  @Test
  void buttonsStayValidAfterARestart() {
    JobEvent done = imagine(MEMBER, G1, "a cat");
    String delete = button(done, "delete");
    bot.close();
    bot = startBot();
    assertThat(press(MEMBER, G1, false, delete).kind()).isEqualTo(Reply.Kind.DELETE_MESSAGE);
  }

  @Test
  void historyInAGroupListsThatGroupsJobsPrivately() {
    imagine(MEMBER, dm(MEMBER), "secret-prompt-xyz");
    imagine(MEMBER, G1, "group prompt");

    Reply inGroup = run(MEMBER, G1, false, "history", "");
    assertThat(inGroup.personal()).isTrue();
    assertThat(inGroup.text()).contains("group prompt").doesNotContain("secret-prompt-xyz");
    Reply inPrivate = run(MEMBER, dm(MEMBER), false, "history", "");
    assertThat(inPrivate.personal()).isTrue();
    assertThat(inPrivate.text()).contains("secret-prompt-xyz");
  }

  @Test
  void aPrivateJobCannotBeRerunInAGroup() {
    JobEvent secret = imagine(MEMBER, dm(MEMBER), "secret-prompt-xyz");
    String rerun = button(secret, "reroll");

    Reply byOther = press(G1_ADMIN, G1, true, rerun);
    assertThat(byOther.text()).isEqualTo(bot.text("en", "cmd.button.elsewhere"));
    Reply byOwnerInGroup = press(MEMBER, G1, false, rerun);
    assertThat(byOwnerInGroup.text()).isEqualTo(bot.text("en", "cmd.button.elsewhere"));
    assertThat(bot.jobs().history(MEMBER.key(), G1.key(), 0, 10).total()).isZero();
  }

  @Test
  void aGroupJobsOwnerMayRerunItPrivately() {
    JobEvent inGroup = imagine(MEMBER, G1, "group prompt");
    String reroll = button(inGroup, "reroll");
    assertThat(press(G2_ADMIN, G2, true, reroll).kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(press(MEMBER, dm(MEMBER), false, reroll).kind()).isEqualTo(Reply.Kind.JOB_STARTED);
  }
}
