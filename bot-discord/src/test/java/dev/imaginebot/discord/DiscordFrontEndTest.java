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
import java.util.List;
import java.util.Optional;
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

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws InterruptedException {
    discord = new FakeDiscord();
    bot = new FakeBot();
    clock = new MutableClock();
    frontEnd =
        DiscordFrontEnd.start(
            new DiscordConfig(
                "fake-token",
                null,
                discord.restUrl(),
                discord.gatewayUrl(),
                clock,
                Duration.ofMillis(200)),
            bot);
    assertThat(discord.nextCommandRegistration())
        .isEqualTo("applications/" + FakeDiscord.APP_ID + "/commands");
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
    bot.responder = FakeBot::defaultReply;
    clock.reset();
  }

  @AfterEach
  void resetClock() {
    clock.reset();
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
    assertThat(call.args()).isEqualTo("a cat --ar 16:9 --seed 5 --model flux --no dogs, rain");
    assertThat(call.ctx().user().id()).isEqualTo(Long.toString(ALICE.id()));
    assertThat(call.ctx().chat().id()).isEqualTo(Long.toString(FakeDiscord.GUILD_ID));
    assertThat(call.ctx().chat().group()).isTrue();
    assertThat(call.ctx().platformAdmin()).isFalse();
    assertThat(call.ctx().replyRef()).isNotNull().doesNotContain("\n");
    long job = bot.jobIds.get();
    JobView view = call.ctx().view();

    view.onEvent(new JobEvent.Accepted(job, 2, "flux"));
    assertThat(discord.next(i.token(), "edit").content()).isEqualTo("Queued at 2");
    view.onEvent(new JobEvent.Progress(job, 1, 4, 0.25));
    assertThat(discord.next(i.token(), "edit").content()).isEqualTo("Progress 1/4");
    view.onEvent(new JobEvent.Progress(job, 3, 4, 0.75));
    assertThat(discord.next(i.token(), "edit").content()).isEqualTo("Progress 3/4");
    view.onEvent(completed(job, "a cat", image("a.png", 64), image("b.png", 32)));

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
    assertThat(embed.getArray("fields").toList().toString())
        .contains("L:label.model", "flux", "L:label.seed", "5", "L:label.time", "12.0 s");
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

  static JobEvent.Failed failed(long job) {
    return new JobEvent.Failed(
        job, dev.imaginebot.core.job.ErrorCode.TIMEOUT, "x", Optional.empty());
  }

  static Reply unused() {
    return Reply.message("");
  }
}
