package dev.imaginebot.discord;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Core configurations for end-to-end tests against the shared local Gradio apps. */
final class RealCore {
  private RealCore() {}

  static GradioTestServer gradio() {
    return GradioTestServer.shared(GradioTestServer.latest());
  }

  /** {@code flux} (one image) and {@code mj} (a gallery of two), flux the default. */
  static CoreConfig config(Path dataDir, String fluxUrl) {
    return config(dataDir, fluxUrl, Set.of());
  }

  /** As {@link #config(Path, String)}, with bot admins ({@code discord:<id>}). */
  static CoreConfig config(Path dataDir, String fluxUrl, Set<String> admins) {
    return new CoreConfig(
        dataDir,
        null,
        List.of(
            new ModelConfig("flux", "FLUX test", List.of(BackendConfig.discover(fluxUrl))),
            new ModelConfig("mj", "MJ test", List.of(BackendConfig.discover(gradio().url("mj"))))),
        "flux",
        admins,
        Limits.defaults(),
        Duration.ofMillis(100),
        "en",
        new GradioSettings(
            null,
            // Never the real Hub: every Space here is a loopback URL.
            "http://127.0.0.1:9",
            Duration.ofMinutes(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofHours(6)));
  }
}
