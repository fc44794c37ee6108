package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: starts the bot on every chat platform that has a token. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the bot on the chat platforms that have a token (the default command).")
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin RunOptions runOptions;

  /** Options of {@code run}, also accepted without the subcommand name. */
  static final class RunOptions {
    @Option(
        names = "--http-port",
        paramLabel = "PORT",
        description = "serve /healthz and /metrics on this port (overrides http.port)")
    Integer httpPort;
  }

  @Override
  public Integer call() throws Exception {
    return run(common, runOptions);
  }

  static int run(CommonOptions common, RunOptions options) throws Exception {
    AppSettings settings = common.load(false);
    if (options != null && options.httpPort != null) {
      settings = settings.withHttpPort(options.httpPort);
    }
    CliMessages messages = CliMessages.forLanguage(settings.language());
    if (!settings.anyFrontEnd()) {
      System.out.println(messages.text("cli.noToken"));
      if (System.console() != null && offerConsole(messages)) {
        return ConsoleCommand.run(settings, messages, ConsoleCommand.defaultOut(), null);
      }
      return 0;
    }
    return new Service(settings, messages).runUntilStopped();
  }

  private static boolean offerConsole(CliMessages messages) throws IOException {
    System.out.print(messages.text("cli.offerConsole"));
    System.out.flush();
    String answer =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (answer == null) return false;
    String a = answer.strip().toLowerCase(Locale.ROOT);
    return a.isEmpty() || a.startsWith("y") || a.startsWith("是") || a.equals("好");
  }

  /** The long-running bot: core, front-ends, ops endpoint, and an orderly shutdown. */
  static final class Service {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private final AppSettings settings;
    private final CliMessages messages;
    private final AtomicBoolean healthy = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    // What /healthz asks, set as they start (the ops endpoint serves from before the core starts).
    private volatile Bot startedBot;
    private volatile List<AutoCloseable> startedFrontEnds = List.of();

    Service(AppSettings settings, CliMessages messages) {
      this.settings = settings;
      this.messages = messages;
    }

    int runUntilStopped() throws InterruptedException {
      Metrics metrics = new Metrics(settings.instanceId());
      OpsServer ops = null;
      if (settings.httpPort() > 0) {
        try {
          ops =
              OpsServer.start(
                  settings.httpBind(),
                  settings.httpPort(),
                  metrics,
                  () ->
                      HealthReport.check(
                          healthy.get(), settings.instanceId(), startedBot, startedFrontEnds));
        } catch (IOException e) {
          System.err.println(
              messages.text(
                  "cli.error",
                  messages.text(
                      "cli.httpFailed", settings.httpBind(), settings.httpPort(), e.getMessage())));
          return Main.EXIT_CONFIG;
        }
      }
      Bot bot;
      try {
        bot = new MeteredBot(Bot.start(settings.core()), metrics);
        startedBot = bot;
      } catch (RuntimeException e) {
        log.debug("Core failed to start", e);
        System.err.println(messages.text("cli.error", messages.text("cli.startFailed", reason(e))));
        if (ops != null) ops.close();
        return Main.EXIT_FAILED;
      }
      List<AutoCloseable> frontEnds;
      try {
        frontEnds = FrontEnds.start(settings, bot, messages);
      } catch (FrontEnds.FrontEndException e) {
        bot.close();
        if (ops != null) ops.close();
        System.err.println(
            messages.text("cli.error", messages.text("cli.frontEndFailed", e.platform, e.reason)));
        return Main.EXIT_FAILED;
      } catch (RuntimeException e) {
        bot.close();
        if (ops != null) ops.close();
        throw e;
      }
      startedFrontEnds = List.copyOf(frontEnds);
      OpsServer opsServer = ops;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> shutdown(frontEnds, bot, opsServer, metrics), "imagine-bot-shutdown"));
      healthy.set(true);
      log.info(
          "imagine-bot started: {} front-end(s), {} model(s), data in {}",
          frontEnds.size(),
          settings.core().models().size(),
          settings.core().dataDir());
      System.out.println(
          messages.text(
              "cli.started",
              String.join(
                  ", ",
                  settings.discord() != null && settings.telegram() != null
                      ? List.of("Discord", "Telegram")
                      : settings.discord() != null ? List.of("Discord") : List.of("Telegram"))));
      stopped.await();
      return 0;
    }

    /**
     * Front-ends stop taking updates; the core lets running jobs finish within {@code
     * timeouts.shutdown} while the front-ends, still open, deliver their outcomes; then the
     * front-ends close (flushing what is queued), then the core and its database, then ops. What is
     * left resumes at the next start.
     */
    private void shutdown(List<AutoCloseable> frontEnds, Bot bot, OpsServer ops, Metrics metrics) {
      healthy.set(false);
      log.info(messages.text("cli.stopping", settings.shutdownTimeout().toSeconds()));
      FrontEnds.stopIntake(frontEnds);
      // The core has its own drain deadline; this bounds it from outside as well.
      Thread closer =
          new Thread(
              () -> {
                bot.drain(settings.shutdownTimeout());
                FrontEnds.closeAll(frontEnds);
                bot.close();
              },
              "imagine-bot-core-close");
      closer.start();
      try {
        closer.join(settings.shutdownTimeout().toMillis() + TimeUnit.SECONDS.toMillis(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (closer.isAlive()) log.warn("Core did not stop within the shutdown timeout");
      if (ops != null) ops.close();
      metrics.close();
      log.info("imagine-bot stopped");
      stopped.countDown();
    }
  }

  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int newline = message.indexOf('\n');
    return Redactor.redact(newline < 0 ? message : message.substring(0, newline));
  }
}
