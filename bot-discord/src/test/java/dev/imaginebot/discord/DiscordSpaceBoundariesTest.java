package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JDA against {@link FakeDiscord}, the real core and a real Gradio app: a bot admin's {@code
 * /admin addmodel} of an internal or redirecting address is refused with a sentence, and the
 * loopback trap servers that no model uses see no request.
 */
class DiscordSpaceBoundariesTest {
  static final User ROOT = new User(500000000000000042L, "root", false);

  @TempDir static Path dataDir;
  static final MockWebServer trap = new MockWebServer();
  static final MockWebServer trap6 = new MockWebServer();
  static final MockWebServer redirector = new MockWebServer();
  static FakeDiscord discord;
  static Bot bot;
  static DiscordFrontEnd frontEnd;

  @BeforeAll
  static void start() throws IOException {
    trap.start(InetAddress.getByName("127.0.0.9"), 0);
    trap6.start(InetAddress.getByName("::1"), 0);
    redirector.start();
    redirector.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "http://127.0.0.9:" + trap.getPort() + "/config")
            .build());
    discord = new FakeDiscord();
    bot = Bot.start(config());
    frontEnd = DiscordFrontEnd.start(discord.config(null, new MutableClock()), bot);
  }

  @AfterAll
  static void stop() {
    if (frontEnd != null) frontEnd.close();
    if (bot != null) bot.close();
    if (discord != null) discord.close();
    trap.close();
    trap6.close();
    redirector.close();
  }

  private static CoreConfig config() {
    return new CoreConfig(
        dataDir,
        null,
        List.of(
            new ModelConfig(
                "flux",
                "FLUX test",
                List.of(BackendConfig.discover(RealCore.gradio().url("flux"))))),
        "flux",
        Set.of("discord:" + ROOT.id()),
        Limits.defaults(),
        Duration.ofMillis(100),
        "en",
        new GradioSettings(
                null,
                // Never the real Hub: every Space here is a loopback URL.
                "http://127.0.0.1:9",
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofHours(6))
            .withAllowedHosts(List.of(redirector.url("/").toString())));
  }

  @Test
  void addModelOfInternalOrRedirectingAddressesIsRefusedAndTheTrapSeesNothing() {
    String port = String.valueOf(trap.getPort());
    for (String url :
        List.of(
            "http://127.0.0.9:" + port,
            "http://[::1]:" + trap6.getPort(),
            "http://127.0.0.1:" + RealCore.gradio().port() + "@127.0.0.9:" + port + "/",
            "http://0177.0.0.9:" + port + "/",
            redirector.url("/").toString())) {
      Interaction i =
          discord
              .slash("admin", ROOT)
              .subcommand("addmodel")
              .option("alias", "evil")
              .option("space", url)
              .send();
      assertThat(discord.next(i.token(), "edit").content())
          .isEqualTo(bot.text("en", "cmd.addmodel.working"));
      String content = discord.next(i.token(), "edit").content();
      assertThat(content).as(url).contains("The bot may not reach ").contains("(ref ");
      assertThat(content).as(url).doesNotContain("HOST_REFUSED").doesNotContain("CONNECTION_LOST");
    }
    assertThat(redirector.getRequestCount()).isEqualTo(1);
    assertThat(trap.getRequestCount()).isZero();
    assertThat(trap6.getRequestCount()).isZero();
  }
}
