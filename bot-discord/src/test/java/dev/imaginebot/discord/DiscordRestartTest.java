package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.internal.Crash;
import dev.imaginebot.discord.FakeDiscord.Call;
import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bot stopped mid-job and started again on the same data directory: the job ends in the original
 * Discord reply. The first run's Space never answers (so the job is surely in flight when the bot
 * stops); the second run's Space is the real local Gradio app.
 */
class DiscordRestartTest {
  static final User ALICE = new User(600000000000000001L, "alice", false);

  static FakeDiscord discord;
  static MockWebServer stalledSpace;
  static final CountDownLatch release = new CountDownLatch(1);

  @TempDir Path dataDir;
  final MutableClock clock = new MutableClock();
  Bot bot;
  DiscordFrontEnd frontEnd;

  @BeforeAll
  static void start() throws IOException {
    discord = new FakeDiscord();
    stalledSpace = new MockWebServer();
    stalledSpace.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            release.await(2, TimeUnit.MINUTES);
            return new MockResponse.Builder().code(503).build();
          }
        });
    stalledSpace.start();
  }

  @AfterAll
  static void stop() {
    release.countDown();
    if (discord != null) discord.close();
    if (stalledSpace != null) stalledSpace.close();
  }

  @AfterEach
  void closeAll() {
    if (frontEnd != null) frontEnd.close();
    if (bot != null) bot.close();
  }

  private DiscordFrontEnd frontEnd(Bot forBot) {
    return DiscordFrontEnd.start(discord.config(null, clock), forBot);
  }

  /** Starts a job on a Space that never answers, then crashes the bot and its front-end. */
  private Interaction jobInFlightThenCrash() {
    bot = Bot.start(RealCore.config(dataDir, stalledSpace.url("/flux").toString()));
    frontEnd = frontEnd(bot);
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a phoenix").send();
    Call shown = discord.next(i.token(), "edit");
    assertThat(shown.files()).isEmpty();
    assertThat(shown.customIds()).singleElement().asString().startsWith("cancel:");
    Crash.now(bot);
    frontEnd.close();
    frontEnd = null;
    bot = null;
    return i;
  }

  @Test
  void commandsAreRegisteredInTheConfiguredServerOnly() throws InterruptedException {
    FakeBot fake = new FakeBot();
    discord.clearCommandRegistrations();
    try (DiscordFrontEnd perGuild =
        DiscordFrontEnd.start(discord.config(Long.toString(FakeDiscord.GUILD_ID), clock), fake)) {
      FakeDiscord.Registration r = discord.nextCommandRegistration();
      assertThat(r.path())
          .isEqualTo(
              "applications/"
                  + FakeDiscord.APP_ID
                  + "/guilds/"
                  + FakeDiscord.GUILD_ID
                  + "/commands");
      assertThat(r.commands().length()).isEqualTo(7);
      assertThat(fake.registered).containsExactly(perGuild);
    }
  }

  @Test
  void aServerTheBotIsNotInIsAConfigurationError() {
    FakeBot fake = new FakeBot();
    DiscordConfig config = discord.config("123", clock);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiscordFrontEnd.start(config, fake))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not in server 123");
    assertThat(fake.registered).isEmpty();
  }

  @Test
  void aRestartedBotFinishesTheJobInTheOriginalReply() {
    Interaction i = jobInFlightThenCrash();
    long original = discord.originalMessageId(i.token());

    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = edits.get(edits.size() - 1);
    assertThat(done.path()).endsWith("/messages/@original");
    assertThat(done.messageId()).isEqualTo(original);
    assertThat(done.content()).startsWith("Done: \"a phoenix\"");
    assertThat(done.files()).hasSize(1);
    assertThat(done.customIds()).hasSize(3);
  }

  /**
   * A core that stores interactions but never gets to make the job: the bot dies between the defer
   * and the job, its worker stuck until the test ends.
   */
  static final class DiesBeforeTheJob extends dev.imaginebot.core.ForwardingBot {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch end = new CountDownLatch(1);

    DiesBeforeTheJob(Bot delegate) {
      super(delegate);
    }

    @Override
    public dev.imaginebot.core.command.Reply imagine(
        dev.imaginebot.core.command.CommandContext ctx,
        dev.imaginebot.core.job.GenerationRequest request) {
      entered.countDown();
      while (true) {
        try {
          if (end.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("crashed");
        } catch (InterruptedException ignored) {
          // A crash does not answer: stay stuck through the front-end's shutdown.
        }
      }
    }
  }

  @Test
  void anImagineIsStoredBeforeDiscordIsToldItArrived() {
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    java.util.concurrent.atomic.AtomicReference<List<String>> storedAtDefer =
        new java.util.concurrent.atomic.AtomicReference<>();
    discord.onNext(
        c -> c.kind().equals("callback"),
        () ->
            storedAtDefer.set(
                bot.pending("discord").stream()
                    .map(dev.imaginebot.core.command.PendingUpdate::key)
                    .toList()));
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a wren").send();
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    assertThat(edits.get(edits.size() - 1).content()).startsWith("Done: \"a wren\"");
    assertThat(storedAtDefer.get()).containsExactly("interaction:" + i.id());
    assertThat(bot.pending("discord")).isEmpty();
  }

  /** Stores and defers an {@code /imagine}, then crashes before the core makes its job. */
  private Interaction storedThenCrashBeforeTheJob(String prompt) throws InterruptedException {
    bot = Bot.start(RealCore.config(dataDir, stalledSpace.url("/flux").toString()));
    DiesBeforeTheJob dying = new DiesBeforeTheJob(bot);
    frontEnd = frontEnd(dying);
    Interaction i = discord.slash("imagine", ALICE).option("prompt", prompt).send();
    assertThat(discord.next(i.token()).kind()).isEqualTo("callback");
    assertThat(dying.entered.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      Crash.now(bot);
      frontEnd.close();
    } finally {
      dying.end.countDown();
    }
    frontEnd = null;
    assertThat(discord.pending(i.token())).noneMatch(c -> c.kind().equals("edit"));
    return i;
  }

  @Test
  void anInteractionStoredButNotHandledBeforeACrashIsFinishedInItsReplyAtTheNextStart()
      throws InterruptedException {
    // The stored interaction keeps the typed options: its prompt is resumed as typed.
    Interaction i = storedThenCrashBeforeTheJob("a heron --ar 16:9 mj");

    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = edits.get(edits.size() - 1);
    assertThat(done.path()).endsWith("/messages/@original");
    assertThat(done.content()).startsWith("Done: \"a heron --ar 16:9 mj\" · flux");
    assertThat(done.files()).hasSize(1);
  }

  @Test
  void aStoredInteractionWhoseTokenDiedIsDroppedAtTheNextStart() throws InterruptedException {
    Interaction i = storedThenCrashBeforeTheJob("a crane");

    clock.advance(Duration.ofMinutes(20));
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    // Decided while the front-end starts: nothing can answer it, so it is not run.
    assertThat(bot.pending("discord")).isEmpty();
    assertThat(discord.pending(i.token())).noneMatch(c -> c.kind().equals("edit"));
  }

  @Test
  void aRestartAfterTheTokenDiedEditsTheMessageThroughTheChannel() {
    Interaction i = jobInFlightThenCrash();
    long original = discord.originalMessageId(i.token());

    clock.advance(Duration.ofMinutes(20));
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    List<Call> edits = discord.editsUntilDone(FakeDiscord.CHANNEL_KEY, "channel-edit");
    assertThat(edits).allSatisfy(edit -> assertThat(edit.messageId()).isEqualTo(original));
    Call done = edits.get(edits.size() - 1);
    assertThat(done.content()).startsWith("Done: \"a phoenix\"");
    assertThat(done.files()).hasSize(1);
    assertThat(discord.pending(i.token())).noneMatch(c -> c.kind().equals("edit"));
  }

  /**
   * A core that stores presses but never gets to make their job: the bot dies between the
   * acknowledgement of a Reroll and its job, its worker stuck until the test ends.
   */
  static final class DiesBeforeThePress extends dev.imaginebot.core.ForwardingBot {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch end = new CountDownLatch(1);

    DiesBeforeThePress(Bot delegate) {
      super(delegate);
    }

    @Override
    public dev.imaginebot.core.command.Reply press(
        dev.imaginebot.core.command.CommandContext ctx, String buttonId) {
      if (!ButtonHandler.startsJob(buttonId)) return super.press(ctx, buttonId);
      entered.countDown();
      while (true) {
        try {
          if (end.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("crashed");
        } catch (InterruptedException ignored) {
          // A crash does not answer: stay stuck through the front-end's shutdown.
        }
      }
    }
  }

  @Test
  void aRerollPressedJustBeforeACrashIsFinishedInItsReplyAtTheNextStart()
      throws InterruptedException {
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    DiesBeforeThePress dying = new DiesBeforeThePress(bot);
    frontEnd = frontEnd(dying);
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a lark").send();
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = edits.get(edits.size() - 1);
    String reroll =
        done.customIds().stream().filter(id -> id.startsWith("reroll:")).findFirst().orElseThrow();
    java.util.concurrent.atomic.AtomicReference<List<String>> storedAtAck =
        new java.util.concurrent.atomic.AtomicReference<>();
    discord.onNext(
        c -> c.kind().equals("callback"),
        () ->
            storedAtAck.set(
                bot.pending("discord").stream()
                    .map(dev.imaginebot.core.command.PendingUpdate::key)
                    .toList()));
    Interaction click = discord.click(ALICE, done.messageId(), reroll);
    Call ack = discord.next(click.token());
    assertThat(ack.kind()).isEqualTo("callback");
    assertThat(ack.json().getInt("type")).isEqualTo(5);
    Call deferred = discord.next(click.token(), "get");
    assertThat(dying.entered.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      Crash.now(bot);
      frontEnd.close();
    } finally {
      dying.end.countDown();
    }
    frontEnd = null;
    assertThat(storedAtAck.get()).containsExactly("interaction:" + click.id());
    assertThat(discord.pending(click.token())).noneMatch(c -> c.kind().equals("edit"));

    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    // The next start finishes the press in the reply its acknowledgement made, found by the token.
    List<Call> rerolled = discord.editsUntilDone(click.token(), "edit");
    Call last = rerolled.get(rerolled.size() - 1);
    assertThat(last.path()).endsWith("/messages/@original");
    assertThat(last.messageId()).isEqualTo(deferred.messageId());
    assertThat(last.content()).startsWith("Done: \"a lark\"");
    assertThat(last.files()).hasSize(1);
    assertThat(discord.all())
        .noneMatch(c -> click.token().equals(c.token()) && c.kind().equals("followup"));
    assertNoMessageLeftWaiting(click.token());
    assertThat(bot.pending("discord")).isEmpty();
  }

  @Test
  void aPressStoredButNeverAcknowledgedBeforeACrashEndsInAChannelMessage()
      throws InterruptedException {
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    DiesBeforeThePress dying = new DiesBeforeThePress(bot);
    frontEnd = frontEnd(dying);
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a swift").send();
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    Call done = edits.get(edits.size() - 1);
    String reroll =
        done.customIds().stream().filter(id -> id.startsWith("reroll:")).findFirst().orElseThrow();
    // The acknowledgement never reaches Discord (the bot dies as it is sent): no reply exists.
    discord.failNext(
        c -> c.kind().equals("callback"),
        new MockResponse.Builder()
            .code(404)
            .setHeader("Content-Type", "application/json")
            .body("{\"message\":\"Unknown interaction\",\"code\":10062}")
            .build());
    Interaction click = discord.click(ALICE, done.messageId(), reroll);
    assertThat(discord.next(click.token()).kind()).isEqualTo("rejected");
    assertThat(dying.entered.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      Crash.now(bot);
      frontEnd.close();
    } finally {
      dying.end.countDown();
    }
    frontEnd = null;

    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    // The token has no webhook, so the job goes on in the channel, in one message of its own.
    List<Call> sent = new java.util.ArrayList<>();
    Call finished = null;
    while (finished == null) {
      Call c = discord.next(FakeDiscord.CHANNEL_KEY);
      if (c.kind().equals("channel-send")) sent.add(c);
      if ((c.kind().equals("channel-send") || c.kind().equals("channel-edit"))
          && c.content().startsWith("Done: \"a swift\"")) {
        finished = c;
      }
    }
    assertThat(sent).hasSize(1);
    assertThat(finished.messageId()).isEqualTo(sent.get(0).messageId());
    assertThat(finished.files()).hasSize(1);
    assertThat(discord.all())
        .noneMatch(
            c ->
                click.token().equals(c.token())
                    && !c.kind().equals("rejected")
                    && !c.kind().equals("refused"));
    assertThat(bot.pending("discord")).isEmpty();
  }

  /**
   * A core that makes the press's job and dies before the front-end hears back: the press stays
   * stored (not marked handled) though its job exists.
   */
  static final class DiesAfterThePress extends dev.imaginebot.core.ForwardingBot {
    final CountDownLatch made = new CountDownLatch(1);
    final CountDownLatch end = new CountDownLatch(1);

    DiesAfterThePress(Bot delegate) {
      super(delegate);
    }

    @Override
    public dev.imaginebot.core.command.Reply press(
        dev.imaginebot.core.command.CommandContext ctx, String buttonId) {
      dev.imaginebot.core.command.Reply reply = super.press(ctx, buttonId);
      if (!ButtonHandler.startsJob(buttonId)) return reply;
      made.countDown();
      while (true) {
        try {
          if (end.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("crashed");
        } catch (InterruptedException ignored) {
          // A crash does not answer: stay stuck through the front-end's shutdown.
        }
      }
    }
  }

  @Test
  void aPressWhoseJobWasMadeBeforeACrashFindsThatJobAndMakesNoOther() throws InterruptedException {
    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    Call done;
    try (DiscordFrontEnd plain = frontEnd(bot)) {
      Interaction i = discord.slash("imagine", ALICE).option("prompt", "a finch").send();
      List<Call> edits = discord.editsUntilDone(i.token(), "edit");
      done = edits.get(edits.size() - 1);
    }
    bot.close();
    // The Space stalls from here on, so the press's job is surely still running at the crash.
    bot = Bot.start(RealCore.config(dataDir, stalledSpace.url("/flux").toString()));
    DiesAfterThePress dying = new DiesAfterThePress(bot);
    frontEnd = frontEnd(dying);
    String vary =
        done.customIds().stream().filter(id -> id.startsWith("vary:")).findFirst().orElseThrow();
    Interaction click = discord.click(ALICE, done.messageId(), vary);
    Call deferred = discord.next(click.token(), "get");
    assertThat(dying.made.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      Crash.now(bot);
      frontEnd.close();
    } finally {
      dying.end.countDown();
    }
    frontEnd = null;

    bot = Bot.start(RealCore.config(dataDir, RealCore.gradio().url("flux")));
    frontEnd = frontEnd(bot);
    // The stored press is run again: the core finds its job by the press, and the one job ends in
    // the reply the press's acknowledgement made.
    Call last = null;
    while (last == null) {
      Call c = discord.next(click.token());
      if (c.kind().equals("edit")
          && c.customIds().stream().noneMatch(x -> x.startsWith("cancel:"))) {
        last = c;
      }
    }
    assertThat(last.messageId()).isEqualTo(deferred.messageId());
    assertThat(last.content()).startsWith("Done: \"a finch\"");
    assertThat(last.files()).hasSize(4);
    assertThat(discord.all())
        .noneMatch(
            c ->
                click.token().equals(c.token())
                    && (c.kind().equals("followup") || c.kind().equals("delete")));
    assertThat(bot.pending("discord")).isEmpty();
    assertNoMessageLeftWaiting(click.token());
  }

  /**
   * No message the interaction made is left as a status nobody will edit again: a deferred reply
   * still "thinking" (no content yet) or an hourglass placeholder.
   */
  private static void assertNoMessageLeftWaiting(String token) {
    Set<Long> made =
        discord.all().stream()
            .filter(c -> token.equals(c.token()))
            .map(Call::messageId)
            .collect(Collectors.toSet());
    assertThat(made).isNotEmpty();
    assertThat(discord.messages())
        .filteredOn(m -> made.contains(m.getLong("id")))
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m.getString("content", ""))
                    .as("message %s", m.getString("id"))
                    .isNotBlank()
                    .isNotEqualTo("\u23f3"));
  }
}
