package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.internal.RealBot;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.HeldApis;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over the Bot API stand-in with the real core: {@code /addmodel} of Spaces that do not answer
 * never occupies the front-end's workers (there are four), so everyone else is still served.
 */
class TelegramSlowCommandsTest {
  static final long ADMIN = 3001;
  static final long OTHER = 3002;
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  FakeTelegramBotApi api;
  HeldApis gateway;
  RealBot bot;
  TelegramFrontEnd telegram;

  @BeforeEach
  void start() {
    api = new FakeTelegramBotApi("ImagineBot");
    gateway = new HeldApis(new FakeSpaceGateway().completeAtOnce(true));
    bot =
        RealBot.start(
            new CoreConfig(
                dir,
                null,
                List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a")))),
                "flux",
                Set.of("telegram:" + ADMIN),
                new Limits(1, 10, 4, 1000, 1 << 20),
                Duration.ZERO,
                "en",
                GradioSettings.defaults()),
            gateway);
    telegram = TelegramFrontEnd.start(api.config(), bot);
  }

  @AfterEach
  void stop() {
    gateway.release();
    if (telegram != null) telegram.close();
    if (bot != null) bot.close();
    api.close();
  }

  private ChatMessage replyTo(long chat, int message) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                api.botMessages(chat).stream()
                    .filter(m -> m.replyTo != null && m.replyTo == message)
                    .findFirst()
                    .orElse(null),
            m -> m != null);
  }

  @Test
  void fourSlowProbesLeaveHelpAnsweredAndEachAnswersLater() {
    String working = bot.text("en", "cmd.addmodel.working");
    List<ChatMessage> probes = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      int command = api.send(ADMIN, ADMIN, "/addmodel held" + n + " held/space" + n);
      ChatMessage said = replyTo(ADMIN, command);
      assertThat(said.text()).isEqualTo(working);
      probes.add(said);
    }
    gateway.awaitReading(4);

    int help = api.send(OTHER, OTHER, "/help");
    assertThat(replyTo(OTHER, help).text()).startsWith("I turn text into images");
    assertThat(probes).allSatisfy(p -> assertThat(p.text()).isEqualTo(working));

    gateway.release();
    for (int n = 0; n < 4; n++) {
      ChatMessage p = probes.get(n);
      String added = "Added model held" + n + ".";
      await().atMost(WAIT).until(() -> p.text().startsWith(added));
    }
    assertThat(api.botMessages(ADMIN)).hasSize(4);
  }
}
