package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.discord.FakeDiscord.Call;
import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front-end through real JDA against {@link FakeDiscord}, with a hand-stepped core. */
class DiscordFrontEndTest {
  static final User ALICE = new User(400000000000000001L, "alice", false);
  static final User BOB = new User(400000000000000002L, "bob", false);
  static final User MANAGER = new User(400000000000000003L, "mod", true);

  static FakeDiscord discord;
  static FakeBot bot;
  static MutableClock clock;
  static DiscordFrontEnd frontEnd;
  static FakeDiscord.Registration registration;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws InterruptedException {
    discord = new FakeDiscord();
    bot = new FakeBot();
    clock = new MutableClock();
    frontEnd = DiscordFrontEnd.start(discord.config(null, clock), bot);
    registration = discord.nextCommandRegistration();
  }

  @AfterAll
  static void stop() {
    if (frontEnd != null) frontEnd.close();
    if (discord != null) discord.close();
  }

  @BeforeEach
  void reset() {
    bot.calls.clear();
    bot.fitLimits.clear();
    bot.fitResult = FakeBot.png(8, 8);
    bot.responder = FakeBot::defaultReply;
    clock.reset();
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void unshardedItRunsShardZeroOfOne() {
    assertThat(frontEnd.shards()).containsExactly(new DiscordFrontEnd.Shard(0, "CONNECTED"));
    assertThat(frontEnd.shardsTotal()).isEqualTo(1);
  }

  @Test
  void registersTheSlashCommandsGlobally() {
    assertThat(registration.path()).isEqualTo("applications/" + FakeDiscord.APP_ID + "/commands");
    Map<String, DataObject> commands = new HashMap<>();
    for (int i = 0; i < registration.commands().length(); i++) {
      DataObject c = registration.commands().getObject(i);
      commands.put(c.getString("name"), c);
    }
    assertThat(commands)
        .containsOnlyKeys("imagine", "models", "history", "cancel", "settings", "help", "admin");
    DataObject imagine = commands.get("imagine");
    List<String> options = new ArrayList<>();
    DataArray opts = imagine.getArray("options");
    for (int i = 0; i < opts.length(); i++) options.add(opts.getObject(i).getString("name"));
    assertThat(options).containsExactly("prompt", "model", "aspect", "seed", "negative");
    assertThat(opts.getObject(0).getBoolean("required")).isTrue();
    assertThat(opts.getObject(1).getBoolean("autocomplete")).isTrue();
    assertThat(opts.getObject(2).getArray("choices").length()).isEqualTo(8);
    assertThat(opts.getObject(3).getInt("type")).isEqualTo(4);
    assertThat(imagine.getArray("contexts").toList()).containsExactlyInAnyOrder("0", "1");
    DataArray subs = commands.get("admin").getArray("options");
    List<String> subNames = new ArrayList<>();
    for (int i = 0; i < subs.length(); i++) subNames.add(subs.getObject(i).getString("name"));
    assertThat(subNames)
        .containsExactly("setdefault", "addmodel", "removemodel", "inspect", "audit");

    // Every command, subcommand and option is described in Chinese too.
    assertThat(imagine.getString("description")).isEqualTo("Make images from a text prompt");
    assertThat(imagine.getObject("description_localizations").getString("zh-CN"))
        .isEqualTo("\u6839\u636e\u6587\u5b57\u63cf\u8ff0\u751f\u6210\u56fe\u7247");
    assertThat(opts.getObject(0).getObject("description_localizations").getString("zh-CN"))
        .isEqualTo("\u8981\u753b\u4ec0\u4e48");
    List<String> undescribed = new ArrayList<>();
    for (DataObject c : commands.values()) undescribed.addAll(withoutChinese(c, ""));
    assertThat(undescribed).isEmpty();
  }

  /** Paths of the command, subcommands and options that lack a zh-CN description. */
  private static List<String> withoutChinese(DataObject item, String parent) {
    String path = parent + "/" + item.getString("name");
    List<String> missing = new ArrayList<>();
    var localized = item.optObject("description_localizations");
    String zh = localized.map(l -> l.getString("zh-CN", "")).orElse("");
    if (zh.isBlank() || zh.equals(item.getString("description"))) missing.add(path);
    if (item.hasKey("options")) {
      DataArray options = item.getArray("options");
      for (int i = 0; i < options.length(); i++) {
        missing.addAll(withoutChinese(options.getObject(i), path));
      }
    }
    return missing;
  }

  @Test
  void modelAutocompleteOffersTheCoresAliases() {
    Interaction i =
        discord.slash("imagine", ALICE).option("prompt", "x").focus("model", "f").send();
    Call answer = discord.next(i.token(), "callback");
    assertThat(answer.json().getInt("type")).isEqualTo(8);
    DataArray choices = answer.json().getObject("data").getArray("choices");
    assertThat(choices.length()).isEqualTo(1);
    assertThat(choices.getObject(0).getString("value")).isEqualTo("flux");
  }

  @Test
  void historyPagingButtonEditsTheListInPlace() {
    bot.responder =
        call ->
            Reply.message(
                "page 2",
                List.of(
                    new dev.imaginebot.core.command.Button("history:1", "Previous"),
                    new dev.imaginebot.core.command.Button("rerun:7", "Re-run #7")));
    Interaction list = discord.slash("history", ALICE).send();
    Call shown = discord.next(list.token(), "edit");
    assertThat(shown.customIds()).containsExactly("history:1", "rerun:7");
    Interaction click = discord.click(ALICE, shown.messageId(), "history:1");
    Call edit = discord.next(click.token(), "edit");
    assertThat(edit.messageId()).isEqualTo(shown.messageId());
    assertThat(edit.content()).isEqualTo("page 2");
    assertThat(bot.next().args()).isEqualTo("");
    assertThat(bot.next().args()).isEqualTo("history:1");
  }

  @Test
  void registersWithTheBot() {
    assertThat(bot.registered).containsExactly(frontEnd);
    assertThat(frontEnd.platform()).isEqualTo("discord");
  }

  @Test
  void imagineDefersThenEditsProgressInOrderThenImagesEmbedAndButtons() throws IOException {
    bot.responder = bot::startJob;
    Interaction i =
        discord
            .slash("imagine", ALICE)
            .option("prompt", "a cat")
            .option("model", "flux")
            .option("aspect", "16:9")
            .option("seed", 5)
            .option("negative", "dogs, rain")
            .send();

    Call defer = discord.next(i.token());
    assertThat(defer.kind()).isEqualTo("callback");
    assertThat(defer.json().getInt("type")).isEqualTo(5);
    FakeBot.Call call = bot.next();
    assertThat(call.command()).isEqualTo("imagine");
    assertThat(call.args()).isNull();
    assertThat(call.request())
        .isEqualTo(
            new dev.imaginebot.core.job.GenerationRequest(
                "a cat", "flux", "dogs, rain", 5L, "16:9", null, null, null, null, 1));
    assertThat(call.ctx().user().id()).isEqualTo(Long.toString(ALICE.id()));
    assertThat(call.ctx().chat().id()).isEqualTo(Long.toString(FakeDiscord.GUILD_ID));
    assertThat(call.ctx().chat().group()).isTrue();
    assertThat(call.ctx().platformAdmin()).isFalse();
    assertThat(call.ctx().replyRef()).isNotNull().doesNotContain("\n");
    long job = bot.jobIds.get();
    JobView view = call.ctx().view();

    bot.events(view).onEvent(new JobEvent.Accepted(job, 2, "flux"));
    Call queued = discord.next(i.token(), "edit");
    assertThat(queued.content()).isEqualTo("Queued at 2");
    assertThat(queued.customIds()).containsExactly("cancel:" + job);
    assertThat(queued.labels()).containsExactly("L:button.cancel");
    bot.events(view).onEvent(new JobEvent.Progress(job, 1, 4, 0.25));
    assertThat(discord.next(i.token(), "edit").content()).isEqualTo("Progress 1/4");
    bot.events(view).onEvent(new JobEvent.Progress(job, 3, 4, 0.75));
    assertThat(discord.next(i.token(), "edit").content()).isEqualTo("Progress 3/4");
    bot.events(view).onEvent(completed(job, "a cat", image("a.png", 64), image("b.png", 32)));

    Call done = discord.next(i.token(), "edit");
    assertThat(done.messageId()).isEqualTo(discord.originalMessageId(i.token()));
    assertThat(done.content()).isEqualTo("Done");
    assertThat(done.files()).hasSize(2);
    assertThat(done.files().get(0).field()).isEqualTo("files[0]");
    assertThat(done.files().get(0).bytes()).isEqualTo(Files.readAllBytes(dir.resolve("a.png")));
    assertThat(done.files().get(1).bytes()).isEqualTo(Files.readAllBytes(dir.resolve("b.png")));
    assertThat(done.files()).allSatisfy(f -> assertThat(f.filename()).endsWith(".png"));
    DataObject embed = done.embed();
    assertThat(embed.getString("description")).isEqualTo("a cat");
    assertThat(embed.getArray("fields").toList().toString()).contains("flux", "5", "12.0 s");
    assertThat(embed.hasKey("image")).isFalse();
    assertThat(done.customIds()).containsExactly("reroll:" + job, "vary:" + job, "delete:" + job);
    assertThat(done.labels())
        .containsExactly("L:button.reroll", "L:button.vary", "L:button.delete");
    assertThat(done.allowedParse()).isEmpty();
    assertThat(discord.pending(i.token())).isEmpty();
  }

  private static JobEvent.Completed completed(long job, String prompt, StoredImage... images) {
    return new JobEvent.Completed(job, prompt, "flux", 5L, Duration.ofSeconds(12), List.of(images));
  }

  static StoredImage image(String name, int size) {
    try {
      byte[] png = FakeBot.png(size, size);
      Path file = dir.resolve(name);
      Files.write(file, png);
      return new StoredImage("sha-" + name, file, "image/png", png.length, size, size);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A stored image file of about {@code bytes} bytes (PNG header, noise after it). */
  static StoredImage bigImage(String name, long bytes) {
    try {
      byte[] data = new byte[(int) bytes];
      new java.util.Random(bytes).nextBytes(data);
      byte[] png = FakeBot.png(8, 8);
      System.arraycopy(png, 0, data, 0, png.length);
      Path file = dir.resolve(name);
      Files.write(file, data);
      return new StoredImage("sha-" + name, file, "image/png", data.length, 8, 8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static JobEvent.Failed failed(long job) {
    return new JobEvent.Failed(
        job, dev.imaginebot.core.job.ErrorCode.TIMEOUT, "x", Optional.empty());
  }

  static Reply unused() {
    return Reply.message("");
  }

  /** A /imagine by {@code user} taken to completion with one image; returns job and message. */
  private Finished finishedJob(User user) {
    bot.responder = bot::startJob;
    Interaction i = discord.slash("imagine", user).option("prompt", "a fox").send();
    FakeBot.Call call = bot.next();
    long job = bot.jobIds.get();
    bot.events(call.ctx().view()).onEvent(completed(job, "a fox", image("fox.png", 16)));
    Call done = discord.next(i.token(), "edit");
    assertThat(done.files()).hasSize(1);
    return new Finished(i, job, done.messageId(), call);
  }

  record Finished(Interaction interaction, long job, long messageId, FakeBot.Call call) {}

  /** A job the core has started for {@code i}, with the view the front-end gave it. */
  record Running(Interaction i, DiscordJobView view, long job) {
    String token() {
      return i.token();
    }
  }

  /** Sends the command with the core starting a job for it. */
  static Running running(FakeDiscord.Slash command) {
    bot.responder = bot::startJob;
    Interaction i = command.send();
    return new Running(i, (DiscordJobView) bot.next().ctx().view(), bot.jobIds.get());
  }

  @Test
  void everyUpdateTheCoreSendsIsOneEditAndALookalikeNone() {
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "fast"));
    // The core throttles (EventSink); the view has no interval of its own: a burst it is handed
    // is edited in, one edit per update, none coalesced away.
    for (int step = 1; step <= 3; step++) {
      bot.events(r.view()).onEvent(new JobEvent.Progress(r.job(), step, 10, null));
    }
    for (int step = 1; step <= 3; step++) {
      assertThat(discord.next(r.token(), "edit").content()).isEqualTo("Progress " + step + "/10");
    }
    // Reads the same as what is shown: no edit.
    bot.events(r.view()).onEvent(new JobEvent.Progress(r.job(), 3, 10, 0.31));
    bot.events(r.view()).onEvent(failed(r.job()));
    Call last = discord.next(r.token(), "edit");
    assertThat(last.content()).isEqualTo("Failed TIMEOUT x");
    assertThat(last.customIds()).containsExactly("rerun:" + r.job());
    assertThat(discord.pending(r.token())).isEmpty();
  }

  @Test
  void rerollStartsANewJobShownInTheDeferredReply() {
    Finished f = finishedJob(ALICE);
    bot.responder = bot::startJob;
    Interaction click = discord.click(BOB, f.messageId(), "reroll:" + f.job());

    Call ack = discord.next(click.token());
    assertThat(ack.kind()).isEqualTo("callback");
    assertThat(ack.json().getInt("type")).isEqualTo(5);
    Call original = discord.next(click.token(), "get");
    assertThat(original.messageId()).isNotEqualTo(f.messageId());
    FakeBot.Call press = bot.next();
    assertThat(press.command()).isEqualTo("press");
    assertThat(press.args()).isEqualTo("reroll:" + f.job());
    assertThat(press.ctx().user().id()).isEqualTo(Long.toString(BOB.id()));
    assertThat(ReplyRef.decode(press.ctx().replyRef()).messageId()).isEqualTo(original.messageId());

    long job = bot.jobIds.get();
    bot.events(press.ctx().view()).onEvent(new JobEvent.Progress(job, 2, 4, null));
    Call edit = discord.next(click.token(), "edit");
    assertThat(edit.messageId()).isEqualTo(original.messageId());
    assertThat(edit.path()).endsWith("/messages/@original");
    assertThat(edit.content()).isEqualTo("Progress 2/4");
    bot.events(press.ctx().view()).onEvent(completed(job, "a fox", image("fox2.png", 16)));
    Call done = discord.next(click.token(), "edit");
    assertThat(done.messageId()).isEqualTo(edit.messageId());
    assertThat(done.customIds()).containsExactly("reroll:" + job, "vary:" + job, "delete:" + job);
    assertThat(discord.pending(click.token())).noneMatch(c -> c.kind().equals("followup"));
  }

  @Test
  void aCancelPressIsAnsweredOnlyToThePresser() {
    bot.responder = bot::startJob;
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "long").send();
    FakeBot.Call call = bot.next();
    long job = bot.jobIds.get();
    bot.events(call.ctx().view()).onEvent(new JobEvent.Accepted(job, 1, "flux"));
    Call queued = discord.next(i.token(), "edit");
    bot.responder = c -> Reply.message("Cancelled job #" + job + ".");
    Interaction click = discord.click(ALICE, queued.messageId(), "cancel:" + job);
    Call answer = discord.next(click.token(), "followup");
    assertThat(answer.content()).isEqualTo("Cancelled job #" + job + ".");
    assertThat(answer.flags() & 64).isEqualTo(64);
    assertThat(bot.next().args()).isEqualTo("cancel:" + job);
    bot.events(call.ctx().view()).onEvent(new JobEvent.Cancelled(job));
    Call cancelled = discord.next(i.token(), "edit");
    assertThat(cancelled.content()).isEqualTo("Cancelled");
    assertThat(cancelled.customIds()).isEmpty();
  }

  @Test
  void deleteByTheRequesterDeletesTheMessage() {
    Finished f = finishedJob(ALICE);
    bot.responder = this::deleteOnlyForAliceOrAdmin;
    Interaction click = discord.click(ALICE, f.messageId(), "delete:" + f.job());
    Call delete = discord.next(click.token(), "delete");
    assertThat(delete.messageId()).isEqualTo(f.messageId());
    assertThat(discord.message(f.messageId())).isNull();
  }

  @Test
  void deleteByAnotherUserIsRefusedEphemerally() {
    Finished f = finishedJob(ALICE);
    bot.responder = this::deleteOnlyForAliceOrAdmin;
    Interaction click = discord.click(BOB, f.messageId(), "delete:" + f.job());
    Call refusal = discord.next(click.token(), "followup");
    assertThat(refusal.content()).isEqualTo("refused");
    assertThat(refusal.flags() & 64).isEqualTo(64);
    assertThat(bot.next().ctx().platformAdmin()).isFalse();
    assertThat(discord.message(f.messageId())).isNotNull();
  }

  @Test
  void deleteByAServerManagerIsAllowed() {
    Finished f = finishedJob(ALICE);
    bot.responder = this::deleteOnlyForAliceOrAdmin;
    Interaction click = discord.click(MANAGER, f.messageId(), "delete:" + f.job());
    assertThat(discord.next(click.token(), "delete").messageId()).isEqualTo(f.messageId());
    assertThat(bot.next().ctx().platformAdmin()).isTrue();
  }

  private Reply deleteOnlyForAliceOrAdmin(FakeBot.Call call) {
    if (!call.args().startsWith("delete:")) return FakeBot.defaultReply(call);
    boolean owner = call.ctx().user().id().equals(Long.toString(ALICE.id()));
    return owner || call.ctx().platformAdmin() ? Reply.deleteMessage() : Reply.error("refused");
  }

  @Test
  void adminSubcommandsMapToCoreCommandsWithManageServer() {
    Interaction i =
        discord.slash("admin", MANAGER).subcommand("setdefault").option("model", "mj").send();
    Call defer = discord.next(i.token());
    assertThat(defer.json().getInt("type")).isEqualTo(5);
    assertThat(defer.json().getObject("data").getInt("flags") & 64).isEqualTo(64);
    FakeBot.Call call = bot.next();
    assertThat(call.command()).isEqualTo("setdefault");
    assertThat(call.options().text("model")).isEqualTo("mj");
    assertThat(call.options().flag("global")).isFalse();
    assertThat(call.ctx().platformAdmin()).isTrue();
    assertThat(discord.next(i.token(), "edit").content()).isEqualTo("ok setdefault model=mj");

    Interaction global =
        discord
            .slash("admin", ALICE)
            .subcommand("setdefault")
            .option("model", "flux")
            .option("global", true)
            .send();
    FakeBot.Call g = bot.next();
    assertThat(g.options().values()).containsEntry("model", "flux").containsEntry("global", true);
    assertThat(g.ctx().platformAdmin()).isFalse();
    discord.next(global.token(), "edit");
  }

  @Test
  void simpleCommandsCallTheCoreAndShowItsText() {
    Interaction models = discord.slash("models", ALICE).send();
    assertThat(bot.next().command()).isEqualTo("models");
    assertThat(discord.next(models.token(), "edit").content()).isEqualTo("ok models");
    Interaction history = discord.slash("history", ALICE).option("page", 2).send();
    assertThat(bot.next().options().integer("page")).isEqualTo(2L);
    discord.next(history.token(), "edit");
    Interaction settings =
        discord.slash("settings", ALICE).option("model", "mj").option("language", "zh-CN").send();
    // Both options in one typed call: the core applies them together.
    assertThat(bot.next().args()).isEqualTo("language=zh-CN model=mj");
    assertThat(discord.next(settings.token(), "edit").content())
        .isEqualTo("ok settings language=zh-CN model=mj");
  }

  @Test
  void aReplyLongerThanOneMessageContinuesInFollowupsWithTheButtonsOnTheLast() {
    String line = "\u732b\ud83e\udd8a model ".repeat(150).strip();
    bot.responder =
        call ->
            Reply.message(
                line + "\n" + line + "\n" + line,
                List.of(new dev.imaginebot.core.command.Button("history:2", "Next")));
    Interaction i = discord.slash("models", ALICE).send();
    bot.next();
    Call first = discord.next(i.token(), "edit");
    Call second = discord.next(i.token(), "followup");
    Call third = discord.next(i.token(), "followup");
    assertThat(List.of(first, second, third))
        .extracting(Call::content)
        .containsExactly(line, line, line);
    assertThat(line.length()).isLessThanOrEqualTo(Text.CONTENT_MAX);
    assertThat(first.customIds()).isEmpty();
    assertThat(second.customIds()).isEmpty();
    assertThat(third.customIds()).containsExactly("history:2");
  }

  @Test
  void anUnknownCommandGetsTheCoresAnswerEphemerally() {
    bot.responder = call -> Reply.error("Unknown command \"" + call.command() + "\".");
    Interaction i = discord.slash("oldcommand", ALICE).send();
    Call defer = discord.next(i.token());
    assertThat(defer.json().getObject("data").getInt("flags") & 64).isEqualTo(64);
    assertThat(discord.next(i.token(), "edit").content())
        .isEqualTo("Unknown command \"oldcommand\".");
  }

  @Test
  void anErrorReplyToAPublicCommandIsShownOnlyToTheSender() {
    bot.responder = call -> Reply.error("There is no model called \"nope\".");
    Interaction i =
        discord.slash("imagine", ALICE).option("prompt", "x").option("model", "nope").send();
    Call defer = discord.next(i.token());
    assertThat(defer.json().optObject("data").map(d -> d.getInt("flags", 0)).orElse(0) & 64)
        .isZero();
    discord.next(i.token(), "delete");
    Call refusal = discord.next(i.token(), "followup");
    assertThat(refusal.content()).isEqualTo("There is no model called \"nope\".");
    assertThat(refusal.flags() & 64).isEqualTo(64);
  }

  @Test
  void aFaultOnAPublicCommandIsShownOnlyToTheSender() {
    bot.responder =
        call -> {
          throw new IllegalStateException("boom");
        };
    Interaction i = discord.slash("models", ALICE).send();
    Call defer = discord.next(i.token());
    assertThat(defer.json().optObject("data").map(d -> d.getInt("flags", 0)).orElse(0) & 64)
        .isZero();
    // Nothing of the fault lands in the reply everyone sees: it goes, then an ephemeral followup.
    Call delete = discord.next(i.token());
    assertThat(delete.kind()).isEqualTo("delete");
    assertThat(discord.message(discord.originalMessageId(i.token()))).isNull();
    Call fault = discord.next(i.token(), "followup");
    assertThat(fault.content()).startsWith("Failed INTERNAL ");
    assertThat(fault.flags() & 64).isEqualTo(64);
  }

  @Test
  void aFaultOnAPersonalCommandIsEditedIntoItsEphemeralReply() {
    bot.responder =
        call -> {
          throw new IllegalStateException("boom");
        };
    Interaction i = discord.slash("history", ALICE).send();
    Call defer = discord.next(i.token());
    assertThat(defer.json().getObject("data").getInt("flags") & 64).isEqualTo(64);
    Call fault = discord.next(i.token());
    assertThat(fault.kind()).isEqualTo("edit");
    assertThat(fault.content()).startsWith("Failed INTERNAL ");
  }

  @Test
  void rateLimitWithViaIsWaitedOutAndTheEditLands() {
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "slow"));
    discord.failNext(
        c -> r.token().equals(c.token()) && c.kind().equals("edit"), FakeDiscord.rateLimited(1));
    bot.events(r.view()).onEvent(new JobEvent.Progress(r.job(), 1, 2, null));
    assertThat(discord.next(r.token(), "rejected").content()).isEqualTo("Progress 1/2");
    Call retried = discord.next(r.token(), "edit");
    assertThat(retried.content()).isEqualTo("Progress 1/2");
    assertThat(discord.message(retried.messageId()).getString("content")).isEqualTo("Progress 1/2");
  }

  @Test
  void anOversizeImageIsShrunkUnderTheInteractionLimit() {
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "big").sizeLimit(2_000));
    StoredImage big = image("big.png", 200);
    assertThat(big.bytes()).isGreaterThan(2_000);
    bot.events(r.view()).onEvent(completed(r.job(), "big", big));
    Call done = discord.next(r.token(), "edit");
    assertThat(bot.fitLimits).containsExactly(2_000L);
    assertThat(done.files()).hasSize(1);
    assertThat(done.files().get(0).bytes().length).isLessThanOrEqualTo(2_000);
  }

  @Test
  void imagesShrunkToFitAreNamedByTheirRealTypeAndFitBeforeTheFirstSend() {
    bot.fitResult = FakeBot.jpeg(8, 8);
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "big").sizeLimit(2_000));
    StoredImage big = image("big3.png", 200);
    bot.events(r.view()).onEvent(completed(r.job(), "big", big));
    Call done = discord.next(r.token(), "edit");
    // Fitted once, before sending: Discord never saw (or refused) a request over its limit.
    assertThat(discord.all())
        .noneMatch(c -> r.token().equals(c.token()) && c.kind().equals("refused"));
    assertThat(done.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.filename()).endsWith(".jpg");
              assertThat(f.nameMatchesBytes()).isTrue();
            });
    assertThat(done.embed().getObject("image").getString("url")).endsWith(".jpg");
  }

  @Test
  void fourImagesThatTogetherExceedTheRequestLimitAreFittedBeforeTheFirstSend() {
    bot.fitResult = FakeBot.jpeg(8, 8);
    // Each fits Discord's per-file limit; four together would be refused (25 MiB per request).
    Running r =
        running(
            discord.slash("imagine", ALICE).option("prompt", "many").sizeLimit(50L * 1024 * 1024));
    StoredImage[] images = new StoredImage[4];
    for (int n = 0; n < 4; n++) images[n] = bigImage("many" + n + ".png", 8L * 1024 * 1024);
    bot.events(r.view()).onEvent(completed(r.job(), "many", images));
    Call done = discord.next(r.token(), "edit");
    assertThat(done.kind()).isEqualTo("edit");
    assertThat(done.files()).hasSize(4).allSatisfy(f -> assertThat(f.nameMatchesBytes()).isTrue());
    assertThat(bot.fitLimits)
        .hasSize(4)
        .allSatisfy(l -> assertThat(l * 4).isLessThanOrEqualTo(DiscordJobView.REQUEST_MAX));
    assertThat(discord.all())
        .noneMatch(c -> r.token().equals(c.token()) && c.kind().equals("refused"));
  }

  @Test
  void aTooLargeAnswerAnywayShowsTheResultWithoutFilesAndDoesNotResendThem() {
    bot.responder = bot::startJob;
    StoredImage image = image("big2.png", 64);
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "big").send();
    JobView view = bot.next().ctx().view();
    long job = bot.jobIds.get();
    discord.failNext(
        c -> i.token().equals(c.token()) && !c.files().isEmpty(), FakeDiscord.tooLarge());
    bot.events(view).onEvent(completed(job, "big", image));
    assertThat(discord.next(i.token(), "rejected").files()).hasSize(1);
    Call done = discord.next(i.token(), "edit");
    assertThat(done.files()).isEmpty();
    assertThat(done.content()).isEqualTo("Done");
    assertThat(done.customIds()).containsExactly("reroll:" + job, "vary:" + job, "delete:" + job);
    assertThat(discord.pending(i.token())).isEmpty();
  }

  @Test
  void aJobStillRunningAt14MinutesMovesToAChannelMessage() {
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "slow"));
    bot.events(r.view()).onEvent(new JobEvent.Progress(r.job(), 1, 10, null));
    assertThat(discord.next(r.token(), "edit").content()).isEqualTo("Progress 1/10");

    clock.advance(Duration.ofMinutes(14));
    bot.events(r.view()).onEvent(new JobEvent.Progress(r.job(), 2, 10, null));
    Call moved = discord.next(FakeDiscord.CHANNEL_KEY, "channel-send");
    assertThat(moved.path()).isEqualTo("channels/" + FakeDiscord.CHANNEL_ID + "/messages");
    assertThat(moved.content()).isEqualTo("Progress 2/10");
    assertThat(moved.allowedParse()).isEmpty();
    long movedId =
        discord.all().stream()
            .filter(c -> c.kind().equals("channel-send") && c.content().equals("Progress 2/10"))
            .count();
    assertThat(movedId).isEqualTo(1);

    assertOldReplyPointsAt(r, moved);

    bot.events(r.view()).onEvent(completed(r.job(), "slow", image("slow.png", 16)));
    Call done = discord.next(FakeDiscord.CHANNEL_KEY, "channel-edit");
    assertThat(done.files()).hasSize(1);
    assertThat(done.customIds()).hasSize(3);
    assertThat(discord.message(done.messageId())).isNotNull();
    assertThat(discord.pending(r.token())).isEmpty();
  }

  /**
   * After a move, the interaction's old reply says where the job went and has no buttons left (a
   * Cancel there would cancel the job from a message that no longer shows it), and the core knows
   * the new message (a restart edits that one).
   */
  private static void assertOldReplyPointsAt(Running r, Call moved) {
    Call pointer = discord.next(r.token(), "edit");
    long original = discord.originalMessageId(r.token());
    assertThat(pointer.messageId()).isEqualTo(original);
    assertThat(pointer.content()).isEqualTo("L:job.movedhere");
    assertThat(discord.buttonsOn(original)).isEmpty();
    assertThat(discord.message(original).getString("content")).doesNotContain("Progress");
    ReplyRef now = ReplyRef.decode(bot.moved.get(r.job()));
    assertThat(now.messageId()).isEqualTo(moved.messageId());
  }

  @Test
  void aSilentJobMovesToAChannelMessageWhenTheRolloverIsDue() {
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "quiet"));
    bot.events(r.view()).onEvent(new JobEvent.Progress(r.job(), 3, 10, null));
    assertThat(discord.next(r.token(), "edit").content()).isEqualTo("Progress 3/10");

    // No new event: the scheduled check alone moves the current state to the channel.
    clock.advance(Duration.ofMinutes(14));
    r.view().checkRollover();
    Call moved = discord.next(FakeDiscord.CHANNEL_KEY, "channel-send");
    assertThat(moved.path()).isEqualTo("channels/" + FakeDiscord.CHANNEL_ID + "/messages");
    assertThat(moved.content()).isEqualTo("Progress 3/10");
    assertThat(moved.customIds()).containsExactly("cancel:" + r.job());
    assertOldReplyPointsAt(r, moved);

    bot.events(r.view()).onEvent(completed(r.job(), "quiet", image("quiet.png", 16)));
    Call done = discord.next(FakeDiscord.CHANNEL_KEY, "channel-edit");
    assertThat(done.messageId()).isEqualTo(moved.messageId());
    assertThat(done.files()).hasSize(1);
    assertThat(discord.pending(r.token())).isEmpty();
  }

  @Test
  void aDirectMessageJobMovesToTheDmChannelAt14Minutes() {
    Running r = running(discord.slash("imagine", ALICE).option("prompt", "dm slow").dm());
    discord.next(r.token(), "get");
    clock.advance(Duration.ofMinutes(14));
    bot.events(r.view()).onEvent(completed(r.job(), "dm slow", image("dmslow.png", 16)));
    Call moved = discord.next(FakeDiscord.CHANNEL_KEY, "channel-send");
    assertThat(moved.path()).isEqualTo("channels/" + FakeDiscord.DM_CHANNEL_ID + "/messages");
    assertThat(moved.files()).hasSize(1);
    assertThat(moved.customIds())
        .containsExactly("reroll:" + r.job(), "vary:" + r.job(), "delete:" + r.job());
  }

  @Test
  void mentionsInUserTextNeverPing() {
    bot.responder = bot::startJob;
    String prompt = "@everyone look <@123> and @here";
    Interaction i = discord.slash("imagine", ALICE).option("prompt", prompt).send();
    JobView view = bot.next().ctx().view();
    long job = bot.jobIds.get();
    bot.events(view).onEvent(completed(job, prompt, image("m.png", 16)));
    Call done = discord.next(i.token(), "edit");
    assertThat(done.allowedParse()).isEmpty();
    assertThat(done.json().getObject("allowed_mentions").hasKey("users")).isFalse();
    String description = done.embed().getString("description");
    assertThat(description).doesNotContain("@everyone", "@here", "<@1");
    assertThat(description).contains("@\u200beveryone");
    // Defused once, in the core: one zero-width space, never two.
    assertThat(description).doesNotContain("\u200b\u200b");
    assertThat(done.content()).doesNotContain("\u200b\u200b");
  }

  @Test
  void reattachEditsTheOriginalReplyWhileTheTokenIsYoung() {
    bot.responder = bot::startJob;
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "again").send();
    FakeBot.Call call = bot.next();
    discord.next(i.token(), "get");
    JobView view = frontEnd.reattach(42, call.ctx().replyRef());
    bot.events(view).onEvent(new JobEvent.Progress(42, 1, 2, null));
    Call edit = discord.next(i.token(), "edit");
    assertThat(edit.path()).endsWith("/messages/@original");
    assertThat(edit.content()).isEqualTo("Progress 1/2");
  }

  @Test
  void reattachEditsTheChannelMessageOnceTheTokenIsOld() {
    bot.responder = bot::startJob;
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "later").send();
    FakeBot.Call call = bot.next();
    discord.next(i.token(), "get");
    long original = discord.originalMessageId(i.token());
    clock.advance(Duration.ofMinutes(20));
    JobView view = frontEnd.reattach(43, call.ctx().replyRef());
    bot.events(view).onEvent(failed(43));
    Call edit = discord.next(FakeDiscord.CHANNEL_KEY, "channel-edit");
    assertThat(edit.messageId()).isEqualTo(original);
    assertThat(edit.content()).isEqualTo("Failed TIMEOUT x");
    assertThat(discord.message(original).getString("content")).isEqualTo("Failed TIMEOUT x");
  }

  @Test
  void reattachWithAForeignRefShowsNothingAndDoesNotThrow() {
    JobView view = frontEnd.reattach(44, "telegram:1:2");
    bot.events(view).onEvent(failed(44));
    assertThat(frontEnd.reattach(45, null)).isNotNull();
  }

  @Test
  void worksInDirectMessages() {
    bot.responder = bot::startJob;
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "dm cat").dm().send();
    FakeBot.Call call = bot.next();
    assertThat(call.ctx().chat().group()).isFalse();
    assertThat(call.ctx().chat().id()).isEqualTo(Long.toString(ALICE.id()));
    assertThat(call.ctx().platformAdmin()).isFalse();
    long job = bot.jobIds.get();
    bot.events(call.ctx().view()).onEvent(completed(job, "dm cat", image("dm.png", 16)));
    Call done = discord.next(i.token(), "edit");
    assertThat(done.files()).hasSize(1);
  }
}
