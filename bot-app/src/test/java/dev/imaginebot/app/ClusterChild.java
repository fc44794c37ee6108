package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.ForwardingBot;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.PlatformLimits;
import dev.imaginebot.discord.DiscordConfig;
import dev.imaginebot.discord.DiscordFrontEnd;
import dev.imaginebot.telegram.TelegramConfig;
import dev.imaginebot.telegram.TelegramFrontEnd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One bot instance of {@link ClusterTest} in a child JVM: the real core on the shared PostgreSQL
 * database, the real Telegram front-end in webhook mode on its own port, and the real Discord
 * front-end running the shards it is given, with one model on a real local Gradio app. Prints
 * {@code READY <webhook port>} once both front-ends are up; then {@code OUTCOME <job id>} for every
 * job outcome it delivers and {@code REATTACHED <job id>} for every job of another run (or another
 * instance) it took on, until it is killed.
 *
 * <p>Arguments: instance id, data directory, JDBC URL, Telegram Bot API host, its port, webhook
 * public URL, webhook secret, Discord REST URL, gateway URL, shard total, this instance's shard ids
 * (comma-separated), the Gradio app URL, seconds per job, and the backend's concurrency.
 */
public final class ClusterChild {
  private ClusterChild() {}

  public static void main(String[] args) throws InterruptedException {
    String instance = args[0];
    Path data = Path.of(args[1]);
    String jdbcUrl = args[2];
    String telegramHost = args[3];
    int telegramPort = Integer.parseInt(args[4]);
    String publicUrl = args[5];
    String secret = args[6];
    String restUrl = args[7];
    String gatewayUrl = args[8];
    int shardTotal = Integer.parseInt(args[9]);
    List<Integer> shardIds = new ArrayList<>();
    for (String id : args[10].split(",")) shardIds.add(Integer.parseInt(id));
    String space = args[11];
    double seconds = Double.parseDouble(args[12]);
    int cap = Integer.parseInt(args[13]);
    CoreConfig core =
        new CoreConfig(
                data,
                jdbcUrl,
                List.of(
                    new ModelConfig(
                        "paint",
                        "Paint",
                        List.of(
                            new BackendConfig(
                                space, "/paint", Map.of("seconds", seconds), Map.of(), cap)))),
                "paint",
                Set.of(),
                new Limits(1, 5, 8, 1000, 1 << 20),
                Duration.ofMillis(250),
                "en",
                GradioSettings.defaults())
            .withInstanceId(instance)
            .withJobLease(ClusterTest.JOB_LEASE);
    Bot bot = new ReportingBot(Bot.start(core));
    TelegramFrontEnd telegram =
        TelegramFrontEnd.start(
            TelegramConfig.of(ClusterTest.TELEGRAM_TOKEN)
                .withApi("http", telegramHost, telegramPort)
                .withEditIntervals(Duration.ofMillis(100), Duration.ofMillis(400))
                .withWebhook(new TelegramConfig.Webhook(publicUrl, "127.0.0.1", 0, secret)),
            bot);
    DiscordFrontEnd discord =
        DiscordFrontEnd.start(
            new DiscordConfig("fake-token", null, restUrl, gatewayUrl, Clock.systemUTC())
                .withShards(new DiscordConfig.Shards(shardTotal, shardIds)),
            bot);
    say("READY " + telegram.webhookPort() + " " + instance);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  discord.close();
                  telegram.close();
                  bot.close();
                }));
    new CountDownLatch(1).await();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** The core, with every job view the front-ends pass in reporting its outcome on stdout. */
  static final class ReportingBot extends ForwardingBot {
    ReportingBot(Bot delegate) {
      super(delegate);
    }

    private static CommandContext reporting(CommandContext ctx) {
      return ctx.withView(report(ctx.view()));
    }

    static JobView report(JobView view) {
      if (view == null) return null;
      return new JobView() {
        @Override
        public void onUpdate(JobUpdate update) {
          if (update.terminal()) say("OUTCOME " + update.jobId());
          view.onUpdate(update);
        }

        @Override
        public CompletionStage<Void> deliver(JobUpdate outcome) {
          say("OUTCOME " + outcome.jobId());
          return view.deliver(outcome);
        }

        @Override
        public PlatformLimits limits() {
          return view.limits();
        }
      };
    }

    @Override
    public Reply handle(CommandContext ctx, String command, String args) {
      return super.handle(reporting(ctx), command, args);
    }

    @Override
    public Reply run(CommandContext ctx, String command, CommandOptions options) {
      return super.run(reporting(ctx), command, options);
    }

    @Override
    public Reply imagine(CommandContext ctx, GenerationRequest request) {
      return super.imagine(reporting(ctx), request);
    }

    @Override
    public Reply press(CommandContext ctx, String buttonId) {
      return super.press(reporting(ctx), buttonId);
    }

    @Override
    public void register(FrontEnd frontEnd) {
      super.register(
          new FrontEnd() {
            @Override
            public String platform() {
              return frontEnd.platform();
            }

            @Override
            public JobView reattach(long jobId, String replyRef) {
              say("REATTACHED " + jobId);
              return report(frontEnd.reattach(jobId, replyRef));
            }
          });
    }
  }

  /** A started child: its process and what it said. */
  record Child(String instance, Process process, int webhookPort) {}

  /**
   * Starts a child with {@code args} (as {@link #main} takes them), echoing its lines with errors,
   * appending all of them to {@code log}, and passing each to {@code lines}; returns once it says
   * READY.
   */
  static Child launch(List<String> args, Path log, Consumer<String> lines) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ClusterChild.class.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    String instance = args.get(0);
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (ClusterChild.class) {
                    Files.writeString(
                        log,
                        instance + ": " + line + "\n",
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                  }
                  if (line.startsWith("READY ")) {
                    ready.complete(Integer.parseInt(line.split(" ")[1]));
                  }
                  if (line.contains("ERROR") || line.contains("Exception")) {
                    System.out.println(instance + ": " + line);
                  }
                  lines.accept(line);
                }
              } catch (IOException e) {
                // The child was killed.
              }
              ready.completeExceptionally(new IllegalStateException("exited before READY"));
            },
            "cluster-child-" + instance);
    pump.setDaemon(true);
    pump.start();
    try {
      return new Child(instance, p, ready.get(90, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError("instance " + instance + " did not start", e);
    }
  }
}
