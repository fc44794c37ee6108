package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.gradio.testing.GradioTestServer;
import dev.imaginebot.telegram.CrashCampaignTest.Command;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while jobs are about a second from done: within the shutdown deadline they finish and
 * their outcome is delivered before the process exits; past it they are left, and the next start
 * finishes and delivers them. Child JVMs as in {@link CrashCampaignTest}.
 */
class GracefulStopTest {
  static final long USER = 3201;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  private static Command imagine(FakeTelegramBotApi api, int index) {
    return new Command("stop-" + index, USER, api.send(USER, USER, "/imagine stop-" + index));
  }

  /** Waits until the Space started the job's run (its own log says so). */
  private static void awaitStarted(GradioTestServer gradio, String prompt) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                gradio.paintLog().get("started").stream()
                    .anyMatch(r -> r.startsWith(prompt + "|")));
  }

  private static ChatMessage outcome(FakeTelegramBotApi api, Command c) {
    List<ChatMessage> out = CrashCampaignTest.outcomes(api, c);
    assertThat(out).as("outcomes of %s", c.prompt()).hasSize(1);
    return out.get(0);
  }

  @Test
  void jobsThatFinishWithinTheDeadlineAreDeliveredBeforeTheProcessExits() throws Exception {
    GradioTestServer gradio = GradioTestServer.shared(GradioTestServer.latest());
    try (FakeTelegramBotApi api = new FakeTelegramBotApi("ImagineBot")) {
      Process bot =
          CrashChild.launch(
              dir.resolve("data"), api, gradio.url("paint"), 1.5, Duration.ofSeconds(30));
      Command a = imagine(api, 1);
      Command b = new Command("stop-2", USER + 1, api.send(USER + 1, USER + 1, "/imagine stop-2"));
      awaitStarted(gradio, "stop-1");
      awaitStarted(gradio, "stop-2");
      // SIGTERM. Process#destroy would also close our end of its output, breaking its pipe.
      bot.toHandle().destroy();
      assertThat(bot.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      // Nothing more can arrive: the process is gone. Both were delivered before it went.
      for (Command c : List.of(a, b)) {
        ChatMessage done = outcome(api, c);
        assertThat(done.text()).startsWith("Done: \"" + c.prompt() + "\"");
      }
    }
  }

  @Test
  void jobsPastTheDeadlineAreFinishedAndDeliveredAtTheNextStart() throws Exception {
    GradioTestServer gradio = GradioTestServer.shared(GradioTestServer.latest());
    try (FakeTelegramBotApi api = new FakeTelegramBotApi("ImagineBot")) {
      Process bot =
          CrashChild.launch(
              dir.resolve("data"), api, gradio.url("paint"), 4, Duration.ofMillis(300));
      Command c = imagine(api, 3);
      awaitStarted(gradio, "stop-3");
      bot.toHandle().destroy(); // SIGTERM, with less time than the job needs
      assertThat(bot.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(CrashCampaignTest.outcomes(api, c)).isEmpty();

      Process again =
          CrashChild.launch(
              dir.resolve("data"), api, gradio.url("paint"), 4, Duration.ofSeconds(30));
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !CrashCampaignTest.outcomes(api, c).isEmpty());
        assertThat(outcome(api, c).text()).startsWith("Done: \"stop-3\"");
      } finally {
        again.toHandle().destroy();
        again.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }
}
