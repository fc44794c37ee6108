package dev.imaginebot.telegram;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The bot as {@link CrashCampaignTest} runs it in a child JVM: the real core on an H2 file in a
 * data directory, the real Telegram front-end long-polling the Bot API stand-in, and one model on a
 * real local Gradio app. Prints {@code CHILD_READY} once polling, then runs until it is killed.
 *
 * <p>Arguments: data directory, Bot API host, Bot API port, Gradio app URL, seconds per job.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws InterruptedException {
    Path data = Path.of(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    String space = args[3];
    double seconds = Double.parseDouble(args[4]);
    CoreConfig core =
        new CoreConfig(
            data,
            null,
            List.of(
                new ModelConfig(
                    "paint",
                    "Paint",
                    List.of(
                        new BackendConfig(
                            space, "/paint", Map.of("seconds", seconds), Map.of(), 2)))),
            "paint",
            Set.of(),
            new Limits(1, 10, 2, 1000, 1 << 20),
            Duration.ofMillis(250),
            "en",
            GradioSettings.defaults());
    Bot bot = Bot.start(core);
    TelegramFrontEnd telegram =
        TelegramFrontEnd.start(
            TelegramConfig.of(FakeTelegramBotApi.TOKEN)
                .withApi("http", host, port)
                .withPollTimeout(Duration.ofSeconds(1))
                .withEditIntervals(Duration.ofMillis(100), Duration.ofMillis(400)),
            bot);
    System.out.println("CHILD_READY");
    System.out.flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  telegram.stopIntake();
                  bot.drain(Duration.ofSeconds(20));
                  telegram.close();
                  bot.close();
                }));
    new CountDownLatch(1).await();
  }
}
