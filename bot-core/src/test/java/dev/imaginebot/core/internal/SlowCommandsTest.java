package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.HeldApis;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.Replies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that wait on a Space answer at once and finish on the core's own threads. */
class SlowCommandsTest {
  private static final UserRef ROOT = new UserRef("console", "root", "Root", "en");
  private static final UserRef ALICE = new UserRef("console", "alice", "Alice", "en");
  private static final ChatRef ROOM = new ChatRef("console", "room", true);

  @TempDir Path dir;
  private final HeldApis gateway = new HeldApis(new FakeSpaceGateway().completeAtOnce(true));
  private RealBot bot;

  @BeforeEach
  void start() {
    bot =
        RealBot.start(
            new CoreConfig(
                dir,
                null,
                List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a")))),
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
    gateway.release();
    bot.close();
  }

  private CommandContext ctx(UserRef user) {
    return new CommandContext(user, ROOM, false, null, new RecordingView());
  }

  @Test
  void addModelAnswersAtOnceAndLaterWhileOthersAreServed() {
    List<Reply> pending = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Reply r = bot.handle(ctx(ROOT), "addmodel", "held" + i + " held/space" + i);
      assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.PENDING);
      assertThat(r.text()).startsWith("Reading the Space's API");
      pending.add(r);
    }
    // All four wait on their Space at once, none answered yet.
    gateway.awaitReading(4);
    assertThat(pending).noneMatch(r -> r.later().toCompletableFuture().isDone());

    assertThat(bot.handle(ctx(ALICE), "help", "").text()).contains("I turn text into images");

    gateway.release();
    for (int i = 0; i < 4; i++) {
      Reply done = Replies.settled(pending.get(i));
      assertThat(done.kind()).as(done.text()).isEqualTo(Reply.Kind.MESSAGE);
      assertThat(done.text()).startsWith("Added model held" + i + ".");
    }
    assertThat(bot.modelAliases("held")).hasSize(4);
  }

  @Test
  void typedInspectOfAnUncheckedModelIsPendingAndPersonal() {
    Reply r = bot.run(ctx(ROOT), "inspect", new CommandOptions(Map.of("model", "flux")));
    // flux's Space may have been read at start already; then the answer is at once.
    if (r.kind() == Reply.Kind.PENDING) {
      assertThat(r.personal()).isTrue();
      gateway.release();
    }
    Reply done = Replies.settled(r);
    assertThat(done.personal()).isTrue();
    assertThat(done.text()).startsWith("Model flux (FLUX)");
  }
}
