package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.Canonical;
import dev.imaginebot.core.model.Onboarding;
import dev.imaginebot.core.model.RealSpaceGateway;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Models onboarded from nothing but a Space URL, against real Gradio apps. */
class RealGradioOnboardingTest {
  @TempDir Path dir;

  static Stream<String> versions() {
    return Stream.of(GradioTestServer.latest(), "4.44.1");
  }

  private static CoreConfig config(Path dir, GradioTestServer server) {
    return new CoreConfig(
        dir,
        null,
        List.of(
            new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover(server.url("flux")))),
            new ModelConfig(
                "mj", "Midjourney-like", List.of(BackendConfig.discover(server.url("mj"))))),
        "flux",
        Set.of(),
        Limits.defaults(),
        Duration.ofMillis(200),
        "en",
        GradioSettings.defaults());
  }

  @ParameterizedTest
  @MethodSource("versions")
  void mappingPicksTheImageEndpointAndItsParameters(String version) {
    GradioTestServer server = GradioTestServer.shared(version);
    try (RealSpaceGateway gateway =
        new RealSpaceGateway(
            GradioSettings.defaults().withAllowedHosts(List.of(server.baseUrl())),
            25L * 1024 * 1024)) {
      Onboarding.Result flux =
          Onboarding.map(gateway.api(server.url("flux")), BackendConfig.discover("flux"));
      Onboarding.Result mj =
          Onboarding.map(gateway.api(server.url("mj")), BackendConfig.discover("mj"));
      assertThat(flux.ok()).as(String.valueOf(flux.problem())).isTrue();
      assertThat(mj.ok()).as(String.valueOf(mj.problem())).isTrue();
      assertThat(flux.mapping().endpoint()).isEqualTo("/infer");
      assertThat(mj.mapping().endpoint()).isEqualTo("/run");
      assertThat(flux.mapping().takes())
          .contains(
              Canonical.PROMPT,
              Canonical.SEED,
              Canonical.RANDOMIZE_SEED,
              Canonical.WIDTH,
              Canonical.HEIGHT,
              Canonical.STEPS)
          .doesNotContain(Canonical.NEGATIVE_PROMPT, Canonical.GUIDANCE);
      assertThat(mj.mapping().takes())
          .contains(
              Canonical.PROMPT,
              Canonical.NEGATIVE_PROMPT,
              Canonical.USE_NEGATIVE_PROMPT,
              Canonical.SEED,
              Canonical.GUIDANCE,
              Canonical.WIDTH,
              Canonical.HEIGHT)
          .doesNotContain(Canonical.STEPS);
      assertThat(flux.mapping().describe())
          .contains("endpoint /infer")
          .containsPattern("num_inference_steps .*<- steps \\(by name\\) \\[1\\.\\.50 step 1\\]");
    }
  }

  @ParameterizedTest
  @MethodSource("versions")
  void fluxAndMjBothProduceStoredImagesFromTheSameRequest(String version) throws Exception {
    GradioTestServer server = GradioTestServer.shared(version);
    try (Bot bot = Bot.start(config(dir, server))) {
      UserRef user = new UserRef("console", "u1", "User", "en");
      ChatRef chat = new ChatRef("console", "u1", false);
      for (String model : List.of("flux", "mj")) {
        RecordingView view = new RecordingView();
        Reply reply =
            bot.handle(
                new CommandContext(user, chat, false, null, view),
                "imagine",
                "a lighthouse at dusk --ar 16:9 --seed 7 --no fog " + model);
        assertThat(reply.kind()).as(reply.text()).isEqualTo(Reply.Kind.JOB_STARTED);
        JobEvent last = view.terminal();
        assertThat(last).as(String.valueOf(last)).isInstanceOf(JobEvent.Completed.class);
        JobEvent.Completed done = (JobEvent.Completed) last;
        assertThat(done.model()).isEqualTo(model);
        assertThat(done.seed()).isEqualTo(7L);
        assertThat(done.images()).isNotEmpty();
        for (var image : done.images()) {
          assertThat(Files.size(image.file())).isEqualTo(image.bytes()).isPositive();
          assertThat(image.width()).isGreaterThan(image.height());
        }
        assertThat(bot.describe(done, "en")).contains("a lighthouse at dusk").contains("seed 7");
      }
    }
  }
}
