package dev.imaginebot.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.core.Bot;
import dev.imaginebot.core.DaemonThreads;
import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.job.JobView;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The Telegram front-end: long-polls for updates with TelegramBots, turns commands and button
 * presses into {@link Bot} calls on its own worker threads, and shows jobs by editing a status
 * message ({@code TelegramJobView}) under Telegram's flood limits.
 *
 * <pre>{@code
 * try (Bot bot = Bot.start(coreConfig);
 *     TelegramFrontEnd telegram = TelegramFrontEnd.start(TelegramConfig.of(token), bot)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Close it before the {@link Bot}: it stops polling, lets queued messages go out for a few
 * seconds, and releases its threads and connections.
 */
public final class TelegramFrontEnd implements FrontEnd, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TelegramFrontEnd.class);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

  private final TelegramConfig config;
  private final Bot bot;
  private final OkHttpClient http;
  private final ExecutorService workers;
  private final ScheduledExecutorService outboxThreads;
  private final ScheduledExecutorService pollThread;
  private final Env env;
  private final String botUsername;
  private final long botId;
  private TelegramBotsLongPollingApplication polling;
  private UpdateRouter router;
  private PollingConsumer pollingConsumer;
  private WebhookReceiver webhook;
  private volatile boolean closing;

  private TelegramFrontEnd(TelegramConfig config, Bot bot) {
    this.config = config;
    this.bot = bot;
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(32);
    this.http =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectTimeout(Duration.ofSeconds(30))
            .writeTimeout(Duration.ofSeconds(60))
            // A held getUpdates answers after pollTimeout; allow for that and some slack.
            .readTimeout(config.pollTimeout().plusSeconds(30))
            .build();
    TelegramUrl url = telegramUrl(config);
    OkHttpTelegramClient client = new OkHttpTelegramClient(http, config.token(), url);
    TelegramApi api = new TelegramApi(client, config.token());
    this.workers =
        new ThreadPoolExecutor(
            4,
            4,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000),
            DaemonThreads.named("telegram-worker"));
    ScheduledThreadPoolExecutor outbox =
        new ScheduledThreadPoolExecutor(4, DaemonThreads.named("telegram-outbox"));
    outbox.setRemoveOnCancelPolicy(true);
    this.outboxThreads = outbox;
    this.pollThread =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("telegram-poll"));
    this.env =
        new Env(
            bot,
            api,
            new Outbox(
                api,
                outboxThreads,
                config.clock(),
                config.privateEditInterval(),
                config.groupEditInterval()),
            new SentImages(),
            workers);
    User me = api.call(new GetMe());
    this.botId = me.getId();
    this.botUsername = config.botUsername() != null ? config.botUsername() : me.getUserName();
  }

  /**
   * Connects to Telegram ({@code getMe}), publishes the command menu, registers with the core
   * (which reattaches jobs left from a previous run) and starts long polling, or in webhook mode
   * starts the webhook server and calls {@code setWebhook}.
   *
   * @throws IllegalStateException when Telegram cannot be reached or rejects the token
   */
  public static TelegramFrontEnd start(TelegramConfig config, Bot bot) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(bot, "bot == null");
    TelegramFrontEnd frontEnd;
    try {
      frontEnd = new TelegramFrontEnd(config, bot);
    } catch (ApiFailure f) {
      throw new IllegalStateException("Telegram getMe failed: " + f.getMessage());
    }
    try {
      frontEnd.begin();
    } catch (RuntimeException e) {
      frontEnd.close();
      throw e;
    }
    return frontEnd;
  }

  private void begin() {
    // The core's catalogue is the list; only /imagine differs (stored first, its own status).
    Map<String, CommandHandler> commands = new LinkedHashMap<>();
    for (CommandSpec spec : CommandCatalogue.all()) {
      commands.put(
          spec.name(),
          spec.name().equals("imagine")
              ? new ImagineCommand()
              : new CommandHandler(spec.name(), spec.adminOnly()));
    }
    publishMenu();
    bot.register(this);
    router = new UpdateRouter(env, commands, botUsername, botId);
    // Updates stored by the previous run but not handled (a crash, a full worker queue) first.
    router.replayPending();
    if (config.mode() == TelegramConfig.Mode.WEBHOOK) {
      startWebhook();
      return;
    }
    OkHttpClient pollingHttp = new QuietPollingClient(http.newBuilder(), () -> closing);
    polling =
        new TelegramBotsLongPollingApplication(
            ObjectMapper::new, () -> pollingHttp, () -> pollThread);
    int timeout = (int) Math.max(1, config.pollTimeout().toSeconds());
    TelegramUrl url = telegramUrl(config);
    try {
      polling.registerBot(
          config.token(),
          () -> url,
          lastUpdate ->
              GetUpdates.builder()
                  .limit(100)
                  .timeout(timeout)
                  .offset(lastUpdate + 1)
                  .allowedUpdates(List.of("message", "callback_query"))
                  .build(),
          pollingConsumer = new PollingConsumer(router));
    } catch (TelegramApiException e) {
      throw new IllegalStateException(
          "Telegram long polling did not start: "
              + ApiFailure.of("getUpdates", e, config.token()).getMessage());
    }
    log.info("Telegram front-end started as @{} ({})", botUsername, config.mode());
  }

  private void startWebhook() {
    TelegramConfig.Webhook hook = config.webhook();
    webhook = new WebhookReceiver(hook, router);
    try {
      env.api.setWebhook(
          SetWebhook.builder()
              .url(hook.publicUrl())
              .secretToken(hook.secretToken())
              .allowedUpdates(List.of("message", "callback_query"))
              .build());
    } catch (ApiFailure f) {
      throw new IllegalStateException("Telegram setWebhook failed: " + f.getMessage());
    }
    log.info(
        "Telegram front-end started as @{} (webhook {}, listening on port {})",
        botUsername,
        hook.publicUrl(),
        webhook.port());
  }

  private void publishMenu() {
    for (SetMyCommands call : Menu.calls()) {
      try {
        env.api.call(call);
      } catch (ApiFailure f) {
        // The bot works without a menu; say so once.
        log.warn("Telegram setMyCommands failed: {}", f.getMessage());
        return;
      }
    }
  }

  /** The port the webhook server listens on, or -1 when long polling (for tests). */
  int webhookPort() {
    return webhook == null ? -1 : webhook.port();
  }

  /** The bot's username, from the configuration or {@code getMe}. */
  public String botUsername() {
    return botUsername;
  }

  @Override
  public String platform() {
    return Env.PLATFORM;
  }

  /**
   * A view for a job started before a restart. {@code replyRef} is {@code "<chatId>:<messageId>"}
   * of its status message, which the view goes on editing, or {@code "<chatId>:reply:<messageId>"}
   * when the status message was not sent yet: the view sends it, replying to the user's message.
   */
  @Override
  public JobView reattach(long jobId, String replyRef) {
    Objects.requireNonNull(replyRef, "replyRef == null");
    int colon = replyRef.lastIndexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("not a Telegram replyRef: " + replyRef);
    int messageId = Integer.parseInt(replyRef.substring(colon + 1));
    String head = replyRef.substring(0, colon);
    if (head.endsWith(":reply")) {
      long chatId = Long.parseLong(head.substring(0, head.length() - ":reply".length()));
      return env.statusView(jobId, chatId, messageId, null);
    }
    return env.editingView(Long.parseLong(head), messageId, null);
  }

  /**
   * The first half of a graceful stop: takes no more updates (long polling stops, the webhook
   * server closes), while job views go on delivering through the outbox until {@link #close}.
   * Updates not yet stored are not confirmed, so Telegram sends them again to the next run.
   */
  public synchronized void stopIntake() {
    if (router != null) router.stop();
    if (pollingConsumer != null) pollingConsumer.stop();
    if (webhook != null) {
      webhook.close();
      webhook = null;
    }
    if (polling != null) {
      try {
        polling.close();
      } catch (Exception e) {
        log.warn("Telegram long polling did not stop cleanly: {}", e.toString());
      }
      polling = null;
    }
    // Cut the getUpdates the server is holding (else close waits up to pollTimeout); the
    // polling client turns the cancellation into an empty answer. Updates it had not confirmed
    // come again on the next run.
    closing = true;
    for (Call call : http.dispatcher().runningCalls()) {
      if (isGetUpdates(call.request())) call.cancel();
    }
  }

  @Override
  public void close() {
    stopIntake();
    pollThread.shutdown();
    workers.shutdown();
    try {
      pollThread.awaitTermination(1, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
      workers.awaitTermination(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      // A chat's steps schedule one another, so the scheduler must run until the queues are
      // empty: only then is it shut down. What is left past the deadline is delivered (or
      // repaired) at the next start, as the core has not counted it delivered.
      if (!env.outbox.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        log.warn("Telegram messages still queued at shutdown; they go out at the next start");
      }
      outboxThreads.shutdown();
      outboxThreads.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    outboxThreads.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static boolean isGetUpdates(Request request) {
    List<String> segments = request.url().pathSegments();
    return segments.get(segments.size() - 1).equalsIgnoreCase("getUpdates");
  }

  private static TelegramUrl telegramUrl(TelegramConfig config) {
    return new TelegramUrl(config.apiScheme(), config.apiHost(), config.apiPort(), false);
  }
}
