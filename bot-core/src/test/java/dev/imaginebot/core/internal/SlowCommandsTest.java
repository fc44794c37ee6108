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
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.Replies;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.JobListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch reading = new CountDownLatch(4);
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
            new HeldGateway(new FakeSpaceGateway().completeAtOnce(true)));
  }

  @AfterEach
  void stop() {
    release.countDown();
    bot.close();
  }

  private CommandContext ctx(UserRef user) {
    return new CommandContext(user, ROOM, false, null, new RecordingView());
  }

  @Test
  void addModelAnswersAtOnceAndLaterWhileOthersAreServed() throws InterruptedException {
    List<Reply> pending = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Reply r = bot.handle(ctx(ROOT), "addmodel", "held" + i + " held/space" + i);
      assertThat(r.kind()).as(r.text()).isEqualTo(Reply.Kind.PENDING);
      assertThat(r.text()).startsWith("Reading the Space's API");
      pending.add(r);
    }
    // All four wait on their Space at once, none answered yet.
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pending).noneMatch(r -> r.later().toCompletableFuture().isDone());

    assertThat(bot.handle(ctx(ALICE), "help", "").text()).contains("I turn text into images");

    release.countDown();
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
      release.countDown();
    }
    Reply done = Replies.settled(r);
    assertThat(done.personal()).isTrue();
    assertThat(done.text()).startsWith("Model flux (FLUX)");
  }

  /** Reading the API of a Space named {@code held/...} waits until the test releases it. */
  private final class HeldGateway implements SpaceGateway {
    private final SpaceGateway delegate;

    HeldGateway(SpaceGateway delegate) {
      this.delegate = delegate;
    }

    @Override
    public ApiInfo api(String space) {
      if (space.startsWith("held/")) {
        reading.countDown();
        try {
          if (!release.await(20, TimeUnit.SECONDS)) throw new AssertionError("never released");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return delegate.api(space);
    }

    @Override
    public Call submit(String space, String endpoint, List<Object> args, JobListener listener) {
      return delegate.submit(space, endpoint, args, listener);
    }

    @Override
    public byte[] download(String space, FileRef file, long maxBytes) {
      return delegate.download(space, file, maxBytes);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
