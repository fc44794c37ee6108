package dev.imaginebot.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.RealSpaceGateway;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cancel stops the job on the Space itself, on every pinned release: the app's own job log says the
 * cancelled job's task was cancelled (not that it ran to the end unobserved), while another job of
 * the same endpoint, running beside it for the same bot, is untouched.
 */
class RealGradioCancelTest {
  private static final ChatRef CHAT = new ChatRef("console", "room", true);

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void cancellingARunningJobStopsItOnTheSpaceAndStartsTheNextAtOnce(String version) {
    GradioTestServer server = GradioTestServer.shared(version);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String cancelled = "cancelled-" + run;
    String beside = "beside-" + run;
    String next = "next-" + run;
    List<ModelConfig> models =
        List.of(
            new ModelConfig(
                "tracked",
                "Tracked",
                List.of(new BackendConfig(server.url("tracked"), null, Map.of(), Map.of(), 2))));
    try (Database db = Database.open(null, dir);
        RealSpaceGateway gateway =
            // The bot's gateway reaches only what the config allows: here the local Gradio app.
            new RealSpaceGateway(
                GradioSettings.defaults().withAllowedHosts(List.of(server.baseUrl())),
                25L * 1024 * 1024);
        ModelRegistry registry = new ModelRegistry(models, null, gateway, Clock.systemUTC());
        JobEngine engine =
            new JobEngine(
                new JobStore(db),
                new ImageStore(dir, db),
                registry,
                gateway,
                Limits.defaults(),
                Duration.ZERO,
                100)) {
      RecordingView cancelledView = new RecordingView();
      RecordingView besideView = new RecordingView();
      RecordingView nextView = new RecordingView();
      long id = submit(engine, 1, cancelled, cancelledView);
      submit(engine, 2, beside, besideView);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> server.jobLog(cancelled).contains("started"));
      await().atMost(Duration.ofSeconds(60)).until(() -> server.jobLog(beside).contains("started"));
      submit(engine, 3, next, nextView);
      assertThat(engine.waiting()).as("the backend runs two at once").isEqualTo(1);

      assertThat(engine.cancel(id, user(1).key(), false))
          .isEqualTo(JobEngine.CancelOutcome.CANCELLED);
      assertThat(cancelledView.terminal()).isInstanceOf(JobEvent.Cancelled.class);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(server.jobLog(cancelled)).containsExactly("started", "cancelled"));
      await().atMost(Duration.ofSeconds(60)).until(() -> server.jobLog(next).contains("started"));

      server.release(beside);
      server.release(next);
      assertThat(besideView.terminal()).isInstanceOf(JobEvent.Completed.class);
      assertThat(nextView.terminal()).isInstanceOf(JobEvent.Completed.class);
      assertThat(server.jobLog(beside)).containsExactly("started", "finished");
      assertThat(server.jobLog(cancelled)).containsExactly("started", "cancelled");
    } finally {
      server.release(cancelled);
      server.release(beside);
      server.release(next);
    }
  }

  private static UserRef user(int n) {
    return new UserRef("console", "u" + n, "User " + n, "en");
  }

  private static long submit(JobEngine engine, int user, String prompt, RecordingView view) {
    JobEngine.Submitted s =
        engine.submit(
            user(user), CHAT, null, GenerationRequest.of(prompt).withModel("tracked"), view);
    assertThat(s.ok()).as("submitted %s: %s", prompt, s.error()).isTrue();
    return s.jobId();
  }
}
