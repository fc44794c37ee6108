package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.discord.FakeDiscord.Call;
import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JDA, the real core and real local Gradio apps: everything but Discord itself, which is
 * {@link FakeDiscord}.
 */
class DiscordEndToEndTest {
  static final User ALICE = new User(500000000000000001L, "alice", false);
  static final User BOB = new User(500000000000000002L, "bob", false);
  static final User MANAGER = new User(500000000000000003L, "mod", true);
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

  @TempDir static Path dataDir;

  static FakeDiscord discord;
  static Bot bot;
  static MutableClock clock;
  static DiscordFrontEnd frontEnd;

  @BeforeAll
  static void start() {
    discord = new FakeDiscord();
    clock = new MutableClock();
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = DiscordFrontEnd.start(discord.config(null, clock), bot);
  }

  @AfterAll
  static void stop() {
    if (frontEnd != null) frontEnd.close();
    if (bot != null) bot.close();
    if (discord != null) discord.close();
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  /** Alice's {@code /imagine prompt}, followed to the edit that ends it. */
  static Call imagined(String prompt) {
    Interaction i = discord.slash("imagine", ALICE).option("prompt", prompt).send();
    return last(discord.editsUntilDone(i.token(), "edit"));
  }

  /**
   * {@code user} presses {@code action} on a finished job's message; the new job is shown in the
   * press's deferred reply, edited until done. Returns that last edit.
   */
  static Call pressedInItsReply(User user, Call done, String action) {
    Interaction click = discord.click(user, done.messageId(), button(done, action));
    Call original = discord.next(click.token(), "get");
    Call result = last(discord.editsUntilDone(click.token(), "edit"));
    assertThat(result.messageId()).isEqualTo(original.messageId());
    assertThat(result.path()).endsWith("/messages/@original");
    return result;
  }

  static Call last(List<Call> calls) {
    return calls.get(calls.size() - 1);
  }

  static long jobOf(Call done) {
    String reroll = done.customIds().get(0);
    assertThat(reroll).startsWith("reroll:");
    return Long.parseLong(reroll.split(":")[1]);
  }

  /** The (signed) id of the {@code action} button on a finished job's message. */
  static String button(Call done, String action) {
    return done.customIds().stream()
        .filter(id -> id.startsWith(action + ":"))
        .findFirst()
        .orElseThrow();
  }

  static boolean isPng(byte[] bytes) {
    return Arrays.equals(Arrays.copyOf(bytes, 4), PNG);
  }

  @Test
  void imagineShowsProgressThenTheImageWithEmbedAndButtons() {
    Interaction i =
        discord
            .slash("imagine", ALICE)
            .option("prompt", "a red fox")
            .option("aspect", "16:9")
            .option("seed", 42)
            .send();
    assertThat(discord.next(i.token()).json().getInt("type")).isEqualTo(5);
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = last(edits);

    assertThat(edits.size()).isGreaterThanOrEqualTo(2);
    for (Call progress : edits.subList(0, edits.size() - 1)) {
      assertThat(progress.content()).doesNotStartWith("Done");
      assertThat(progress.files()).isEmpty();
    }
    assertThat(done.content()).startsWith("Done: \"a red fox\"").contains("flux", "42");
    assertThat(done.files()).hasSize(1);
    assertThat(isPng(done.files().get(0).bytes())).isTrue();
    long job = jobOf(done);
    assertThat(done.customIds())
        .extracting(id -> id.substring(0, id.lastIndexOf(':')))
        .containsExactly("reroll:" + job, "vary:" + job, "delete:" + job);
    assertThat(done.labels()).containsExactly("Reroll", "Variations", "Delete");
    assertThat(done.embed().getString("description")).isEqualTo("a red fox");
    assertThat(done.embed().getArray("fields").toList().toString()).contains("flux", "42");
    assertThat(edits).allSatisfy(e -> assertThat(e.allowedParse()).isEmpty());
  }

  @Test
  void aGalleryModelGivesTwoAttachments() {
    Interaction i =
        discord
            .slash("imagine", ALICE)
            .option("prompt", "a castle --n 2")
            .option("model", "mj")
            .send();
    Call done = last(discord.editsUntilDone(i.token(), "edit"));
    assertThat(done.files()).hasSize(2);
    assertThat(done.files()).allSatisfy(f -> assertThat(isPng(f.bytes())).isTrue());
    assertThat(done.embed().getArray("fields").toList().toString()).contains("mj");
  }

  @Test
  void typedOptionsReachTheJobAndTheTextOfThePromptStaysText() {
    // Slash options are typed: the seed and model come from their options, and text in the prompt
    // that looks like flags is drawn as written (it is not parsed again).
    Interaction i =
        discord
            .slash("imagine", ALICE)
            .option("prompt", "a boat --n 2")
            .option("seed", 7)
            .option("model", "mj")
            .send();
    Call done = last(discord.editsUntilDone(i.token(), "edit"));
    assertThat(done.embed().getArray("fields").toList().toString()).contains("mj");
    assertThat(done.content()).contains("seed 7").contains("a boat --n 2");
  }

  @Test
  void rerollByAnotherUserStartsAJobInAFollowup() {
    Call done = imagined("a tree");
    long job = jobOf(done);

    Call rerolled = pressedInItsReply(BOB, done, "reroll");
    assertThat(rerolled.files()).hasSize(1);
    assertThat(rerolled.content()).contains("a tree");
    assertThat(jobOf(rerolled)).isNotEqualTo(job);
  }

  @Test
  void variationsMakeFourImagesInOneFollowup() {
    Call done = imagined("a kite");
    Call varied = pressedInItsReply(ALICE, done, "vary");
    assertThat(varied.files()).hasSize(4);
    assertThat(varied.files()).allSatisfy(f -> assertThat(isPng(f.bytes())).isTrue());
  }

  @Test
  void anUnknownModelIsExplainedToTheSenderOnly() {
    Interaction i =
        discord.slash("imagine", ALICE).option("prompt", "a cat").option("model", "flx").send();
    // The public reply goes; the refusal is an ephemeral followup.
    discord.next(i.token(), "delete");
    Call reply = discord.next(i.token(), "followup");
    assertThat(reply.content()).contains("flx", "flux");
    assertThat(reply.flags() & 64).isEqualTo(64);
    assertThat(reply.files()).isEmpty();
  }

  @Test
  void deleteIsRefusedToOthersAndDoneForTheRequester() {
    Call done = imagined("a lamp");

    Interaction byBob = discord.click(BOB, done.messageId(), button(done, "delete"));
    Call refusal = discord.next(byBob.token(), "followup");
    assertThat(refusal.flags() & 64).isEqualTo(64);
    assertThat(refusal.content()).contains("Only the person who asked");
    assertThat(discord.message(done.messageId())).isNotNull();

    Interaction byAlice = discord.click(ALICE, done.messageId(), button(done, "delete"));
    assertThat(discord.next(byAlice.token(), "delete").messageId()).isEqualTo(done.messageId());
    assertThat(discord.message(done.messageId())).isNull();
  }

  @Test
  void aServerDefaultSetByAManagerIsUsedByTheNextRequest() {
    Interaction refused =
        discord.slash("admin", ALICE).subcommand("setdefault").option("model", "mj").send();
    assertThat(discord.next(refused.token(), "edit").content()).contains("Only admins");

    Interaction set =
        discord.slash("admin", MANAGER).subcommand("setdefault").option("model", "mj").send();
    assertThat(discord.next(set.token(), "edit").content())
        .isEqualTo("The default model for this chat is now mj.");
    try {
      Call done = imagined("a hill");
      // mj is a gallery Space of two images; the core delivers the whole gallery.
      assertThat(done.files()).hasSize(2);
      assertThat(done.embed().getArray("fields").toList().toString()).contains("mj");
    } finally {
      Interaction back =
          discord.slash("admin", MANAGER).subcommand("setdefault").option("model", "flux").send();
      assertThat(discord.next(back.token(), "edit").content()).contains("flux");
    }
  }

  @Test
  void aRateLimitWithViaIsWaitedOut() {
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a bridge").send();
    discord.failNext(
        c -> i.token().equals(c.token()) && c.kind().equals("edit"), FakeDiscord.rateLimited(1));
    Call rejected = discord.next(i.token(), "rejected");
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    assertThat(edits.get(0).content()).isEqualTo(rejected.content());
    assertThat(last(edits).files()).hasSize(1);
  }

  @Test
  void aHugeImageIsShrunkUnderTheInteractionLimit() {
    long limit = 2L * 1024 * 1024;
    Interaction i =
        discord.slash("imagine", ALICE).option("prompt", "huge noise").sizeLimit(limit).send();
    Call done = last(discord.editsUntilDone(i.token(), "edit"));
    assertThat(done.files()).hasSize(1);
    assertThat(done.files().get(0).bytes().length).isLessThanOrEqualTo((int) limit).isPositive();
  }

  @Test
  void mentionsInThePromptNeverPing() {
    Interaction i =
        discord.slash("imagine", ALICE).option("prompt", "@everyone look <@&123> @here").send();
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = last(edits);
    assertThat(done.files()).hasSize(1);
    assertThat(edits).allSatisfy(e -> assertThat(e.allowedParse()).isEmpty());
    assertThat(done.content()).doesNotContain("@everyone", "@here", "<@&");
    assertThat(done.embed().getString("description")).doesNotContain("@everyone", "@here", "<@&");
    // Defused once, in the core: one zero-width space after each @, never two.
    assertThat(done.content()).contains("@\u200beveryone").doesNotContain("\u200b\u200b");
    assertThat(done.embed().getString("description"))
        .contains("@\u200beveryone")
        .doesNotContain("\u200b\u200b");
  }

  @Test
  void aJobStillRunningAt14MinutesFinishesInAChannelMessage() {
    // The token ages 14 minutes the moment the first progress edit lands.
    discord.onNext(
        c -> c.kind().equals("edit") && c.token().startsWith("slash-"),
        () -> clock.advance(Duration.ofMinutes(14)));
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a slow river").send();
    Call first = discord.next(i.token(), "edit");
    assertThat(first.files()).isEmpty();
    Call moved = discord.next(FakeDiscord.CHANNEL_KEY, "channel-send");
    Call done = moved;
    while (done.files().isEmpty()) {
      done = discord.next(FakeDiscord.CHANNEL_KEY, "channel-edit");
      assertThat(done.messageId()).isEqualTo(moved.messageId());
    }
    assertThat(done.content()).startsWith("Done");
    assertThat(done.customIds()).hasSize(3);
    // The old reply points at the new message and has no Cancel left to press. The pointer is
    // edited right after the channel message is sent, so it may land after a quick result: wait
    // for that edit rather than assume it came first.
    Call pointer = discord.next(i.token(), "edit");
    while (!pointer.content().startsWith("This job continues")) {
      pointer = discord.next(i.token(), "edit");
    }
    assertThat(pointer.customIds()).isEmpty();
    long original = discord.originalMessageId(i.token());
    assertThat(discord.buttonsOn(original)).isEmpty();
    assertThat(discord.message(original).getString("content"))
        .startsWith("This job continues in a new message: https://discord.com/channels/")
        .endsWith("/" + moved.messageId());
  }

  @Test
  void aUserWhoChoseChineseSeesProgressAndTheResultInChinese() {
    // Discord says en-US; the user's /settings language says Chinese, and that wins everywhere.
    User carol = new User(500000000000000004L, "carol", false);
    Interaction set = discord.slash("settings", carol).option("language", "zh-CN").send();
    discord.next(set.token(), "edit");
    Interaction i =
        discord
            .slash("imagine", carol)
            .option("prompt", "a paper lantern")
            .option("seed", 3)
            .send();
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = last(edits);

    assertThat(edits)
        .allSatisfy(e -> assertThat(e.content()).doesNotContain("Queued", "Generating", "Done"));
    assertThat(edits.get(0).content()).startsWith("\u5df2\u6392\u961f");
    assertThat(done.content())
        .startsWith(
            "\u5b8c\u6210\uff1a\u201ca paper lantern\u201d \u00b7 flux \u00b7 \u79cd\u5b50 3");
    assertThat(done.labels()).doesNotContain("Reroll", "Variations", "Delete");
    assertThat(done.files())
        .singleElement()
        .satisfies(f -> assertThat(f.nameMatchesBytes()).isTrue());
  }

  @Test
  void variationsShowEverySeedAndWhichImageIsRunning() {
    Call done = imagined("a comet");
    Call varied = pressedInItsReply(ALICE, done, "vary");
    assertThat(varied.files())
        .hasSize(4)
        .allSatisfy(f -> assertThat(f.nameMatchesBytes()).isTrue());
    String seeds = varied.content().replaceAll("(?s).*seeds ([0-9, ]+) .*", "$1");
    assertThat(seeds.split(", ")).hasSize(4).doesNotHaveDuplicates();
    assertThat(varied.embed().getArray("fields").toList().toString()).contains(seeds);
  }

  @Test
  void modelsAndHelpComeFromTheCore() {
    Interaction models = discord.slash("models", ALICE).send();
    assertThat(discord.next(models.token(), "edit").content()).contains("flux", "mj");
    Interaction help = discord.slash("help", ALICE).send();
    assertThat(discord.next(help.token(), "edit").content()).contains("/imagine");
  }
}
