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
 * <p>Arguments: data directory, Bot API host, Bot API port, Gradio app URL, seconds per job, and
 * how long a graceful stop (SIGTERM) lets running jobs finish, in milliseconds. The stop runs in
 * the order the real {@code run} command uses: intake stops, the core drains while the front-end
 * delivers, the front-end closes, then the core.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws InterruptedException {
    Path data = Path.of(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    String space = args[3];
    double seconds = Double.parseDouble(args[4]);
    Duration drain = Duration.ofMillis(Long.parseLong(args[5]));
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
                  System.out.println("CHILD_STOPPING");
                  try {
                    telegram.stopIntake();
                    bot.drain(drain);
                    telegram.close();
                    bot.close();
                  } catch (RuntimeException e) {
                    e.printStackTrace(System.out);
                  }
                  System.out.println("CHILD_STOPPED");
                  System.out.flush();
                }));
    new CountDownLatch(1).await();
  }

  /**
   * Starts the child bot on {@code api} and {@code space} with its data in {@code dataDir}, and
   * returns once it polls (its {@code CHILD_READY} line). Its output lines with errors are echoed.
   */
  static Process launch(
      Path dataDir, FakeTelegramBotApi api, String space, double seconds, Duration drain)
      throws java.io.IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            CrashChild.class.getName(),
            dataDir.toString(),
            api.host(),
            Integer.toString(api.port()),
            space,
            Double.toString(seconds),
            Long.toString(drain.toMillis()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    // Everything the children said, in order, next to their data, for a failed test's report.
    Path log = dataDir.resolveSibling("children.log");
    java.util.concurrent.CompletableFuture<Void> ready =
        new java.util.concurrent.CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (java.io.BufferedReader r =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (CrashChild.class) {
                    java.nio.file.Files.writeString(
                        log,
                        line + "\n",
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                  }
                  if (line.contains("CHILD_READY")) ready.complete(null);
                  if (line.contains("ERROR") || line.contains("Exception")) {
                    System.out.println("child: " + line);
                  }
                }
              } catch (java.io.IOException e) {
                // the child was killed
              }
              ready.complete(null);
            },
            "crash-child-output");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError("the child bot did not start", e);
    }
    if (!p.isAlive()) throw new AssertionError("the child bot exited during start-up");
    return p;
  }
}
