package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.discord.FakeDiscord.Call;
import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust boundaries over real JDA, {@link FakeDiscord} and the real core: a server's manager acts in
 * that server only, buttons act only where they were sent, and a server never sees prompts made
 * elsewhere.
 */
class DiscordTrustBoundaryTest {
  static final User ROOT = new User(600000000000000001L, "root", false);
  static final User ALICE = new User(600000000000000002L, "alice", false);
  static final User BOB = new User(600000000000000003L, "bob", false);
  static final User MANAGER = new User(600000000000000004L, "mod", true);
  static final int EPHEMERAL = 64;

  @TempDir Path dataDir;
  FakeDiscord discord;
  Bot bot;
  DiscordFrontEnd frontEnd;

  @BeforeEach
  void start() {
    discord = new FakeDiscord();
    bot =
        Bot.start(
            RealCore.config(
                dataDir, RealCore.gradio().url("flux"), Set.of("discord:" + ROOT.id())));
    frontEnd = DiscordFrontEnd.start(discord.config(null, new MutableClock()), bot);
  }

  @AfterEach
  void stop() {
    if (frontEnd != null) frontEnd.close();
    if (bot != null) bot.close();
    if (discord != null) discord.close();
  }

  private String admin(User user, boolean dm, String sub, String option, String value) {
    FakeDiscord.Slash slash = discord.slash("admin", user).subcommand(sub);
    if (option != null) slash.option(option, value);
    if (dm) slash.dm();
    return discord.next(slash.send().token(), "edit").content();
  }

  private String addModel(User user, boolean dm, String alias) {
    FakeDiscord.Slash slash =
        discord
            .slash("admin", user)
            .subcommand("addmodel")
            .option("alias", alias)
            .option("space", RealCore.gradio().url("flux"));
    if (dm) slash.dm();
    String token = slash.send().token();
    // The Space is read off Discord's threads: "working on it" first, then the answer.
    assertThat(discord.next(token, "edit").content())
        .isEqualTo(bot.text("en", "cmd.addmodel.working"));
    return discord.next(token, "edit").content();
  }

  private String models(User user, boolean dm) {
    FakeDiscord.Slash slash = discord.slash("models", user);
    if (dm) slash.dm();
    return discord.next(slash.send().token(), "edit").content();
  }

  private Call imagined(User user, boolean dm, String prompt) {
    FakeDiscord.Slash slash = discord.slash("imagine", user).option("prompt", prompt);
    if (dm) slash.dm();
    List<Call> edits = discord.editsUntilDone(slash.send().token(), "edit");
    return edits.get(edits.size() - 1);
  }

  private static String button(Call done, String action) {
    return done.customIds().stream()
        .filter(id -> id.startsWith(action + ":"))
        .findFirst()
        .orElseThrow();
  }

  /** A message of the bot's in the DM channel, for crafted clicks to sit on. */
  private long dmMessage(User user) {
    Interaction i = discord.slash("models", user).dm().send();
    discord.next(i.token(), "edit");
    return discord.originalMessageId(i.token());
  }

  @Test
  void aManagersModelIsForTheirServerOnlyAndAGlobalOneIsNotTheirsToRemove() {
    assertThat(addModel(MANAGER, false, "local"))
        .startsWith("Added model local for this chat only.");
    assertThat(models(ALICE, false)).contains("local");
    assertThat(models(ALICE, true)).doesNotContain("local");

    assertThat(addModel(ROOT, true, "shared")).startsWith("Added model shared.");
    assertThat(admin(MANAGER, false, "removemodel", "model", "shared"))
        .isEqualTo(bot.text("en", "cmd.removemodel.global", "shared"));
    assertThat(models(BOB, true)).contains("shared");
  }

  @Test
  void aManagersAuditShowsTheirServerOnly() {
    discord.next(
        discord
            .slash("admin", ROOT)
            .subcommand("setdefault")
            .option("model", "mj")
            .option("global", true)
            .dm()
            .send()
            .token(),
        "edit");
    admin(MANAGER, false, "setdefault", "model", "flux");

    String audit = admin(MANAGER, false, "audit", null, null);
    assertThat(audit).contains("discord:" + MANAGER.id()).doesNotContain("global mj");
    assertThat(admin(ROOT, true, "audit", null, null)).contains("global mj");
  }

  @Test
  void craftedAndForeignClicksDoNothingButSaySo() {
    Call done = imagined(ALICE, false, "a lamp");
    String job = done.customIds().get(0).split(":")[1];
    long dm = dmMessage(BOB);

    Interaction bare = discord.clickCrafted(BOB, dm, "delete:" + job);
    Call expired = discord.next(bare.token(), "followup");
    assertThat(expired.flags() & EPHEMERAL).isEqualTo(EPHEMERAL);
    assertThat(expired.content()).isEqualTo(bot.text("en", "cmd.button.expired"));

    Interaction foreign = discord.clickCrafted(BOB, dm, button(done, "delete"));
    Call refused = discord.next(foreign.token(), "followup");
    assertThat(refused.flags() & EPHEMERAL).isEqualTo(EPHEMERAL);
    assertThat(refused.content()).isEqualTo(bot.text("en", "cmd.button.elsewhere"));
    assertThat(discord.message(done.messageId())).isNotNull();

    Interaction rerun = discord.clickCrafted(BOB, dm, button(done, "reroll"));
    // The deferred reply everyone would see goes; only the presser is told.
    Call deferred = discord.next(rerun.token(), "get");
    assertThat(discord.next(rerun.token(), "delete").messageId()).isEqualTo(deferred.messageId());
    assertThat(discord.message(deferred.messageId())).isNull();
    Call rerunRefused = discord.next(rerun.token(), "followup");
    assertThat(rerunRefused.content()).isEqualTo(bot.text("en", "cmd.button.elsewhere"));
    assertThat(rerunRefused.flags() & EPHEMERAL).isEqualTo(EPHEMERAL);
  }

  @Test
  void aHistoryPageButtonCraftedOntoAPublicMessageLeavesThatMessageAlone() {
    Call publicResult = imagined(BOB, false, "bob's picture");
    for (int i = 0; i < 6; i++) imagined(ALICE, false, "picture " + i);
    Interaction history = discord.slash("history", ALICE).send();
    Call page = discord.next(history.token(), "edit");
    String next = page.customIds().get(page.customIds().size() - 1);
    assertThat(next).startsWith("history:2:");

    Interaction crafted = discord.clickCrafted(ALICE, publicResult.messageId(), next);
    Call answer = discord.next(crafted.token(), "followup");
    assertThat(answer.flags() & EPHEMERAL).isEqualTo(EPHEMERAL);
    assertThat(answer.content()).contains("page 2");
    assertThat(discord.message(publicResult.messageId()).getString("content"))
        .isEqualTo(publicResult.content());
    assertThat(discord.pending(crafted.token())).noneMatch(c -> c.kind().equals("edit"));
  }

  @Test
  void historyInAServerNeverShowsPromptsMadeElsewhere() {
    imagined(ALICE, true, "secret-prompt-xyz");
    imagined(ALICE, false, "server prompt");

    Interaction inServer = discord.slash("history", ALICE).send();
    Call ack = discord.next(inServer.token(), "callback");
    assertThat(ack.json().getObject("data").getInt("flags", 0) & EPHEMERAL).isEqualTo(EPHEMERAL);
    String history = discord.next(inServer.token(), "edit").content();
    assertThat(history).contains("server prompt").doesNotContain("secret-prompt-xyz");

    Interaction inDm = discord.slash("history", ALICE).dm().send();
    assertThat(discord.next(inDm.token(), "edit").content()).contains("secret-prompt-xyz");
  }
}
