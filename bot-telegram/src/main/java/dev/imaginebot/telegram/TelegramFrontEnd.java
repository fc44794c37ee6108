package dev.imaginebot.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.core.Bot;
import dev.imaginebot.core.DaemonThreads;
import dev.imaginebot.core.Role;
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
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** The role of the one instance that long-polls, per bot (followed by the bot's id). */
  static final String POLLER_ROLE = "telegram-poller:";

  private static final Duration POLL_RETRY = Duration.ofSeconds(5);

  private final TelegramConfig config;
  private final Bot bot;
  private final OkHttpClient http;
  private final ExecutorService workers;
  private final ScheduledExecutorService outboxThreads;
  private final ScheduledExecutorService pollThread;
  private final TelegramContext env;
  private final String botUsername;
  private final long botId;
  private UpdateRouter router;
  private WebhookReceiver webhook;
  private volatile boolean closing;

  // Long polling, while this instance holds the poller role (guarded by this).
  private Role pollerRole;
  private TelegramBotsLongPollingApplication polling;
  private PollingConsumer pollingConsumer;
  private AtomicBoolean pollingCut;
  private IllegalStateException pollingFailure;

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
        new TelegramContext(
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
              ? new TelegramImagine()
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
    // Telegram answers a second concurrent getUpdates with 409: among instances sharing the
    // database only the holder of this role polls; the others stand by and take over when it stops
    // or dies. Alone (H2), the role is granted at once.
    Role role =
        bot.requestRole(
            POLLER_ROLE + botId,
            new Role.Listener() {
              @Override
              public void acquired() {
                startPolling();
              }

              @Override
              public void lost() {
                stopPolling();
              }
            });
    synchronized (this) {
      pollerRole = role;
      if (pollingFailure != null) throw pollingFailure;
    }
    log.info(
        "Telegram front-end started as @{} ({}{})",
        botUsername,
        config.mode(),
        role.held() ? "" : ", standing by: another instance polls");
  }

  /** Starts long polling: this instance got the poller role. */
  private synchronized void startPolling() {
    if (closing || polling != null) return;
    AtomicBoolean cut = new AtomicBoolean();
    OkHttpClient pollingHttp =
        new QuietPollingClient(http.newBuilder(), () -> closing || cut.get());
    TelegramBotsLongPollingApplication app =
        new TelegramBotsLongPollingApplication(
            ObjectMapper::new, () -> pollingHttp, () -> pollThread);
    int timeout = (int) Math.max(1, config.pollTimeout().toSeconds());
    TelegramUrl url = telegramUrl(config);
    PollingConsumer consumer = new PollingConsumer(router);
    try {
      app.registerBot(
          config.token(),
          () -> url,
          lastUpdate ->
              GetUpdates.builder()
                  .limit(100)
                  .timeout(timeout)
                  .offset(lastUpdate + 1)
                  .allowedUpdates(List.of("message", "callback_query"))
                  .build(),
          consumer);
    } catch (TelegramApiException e) {
      pollingFailure =
          new IllegalStateException(
              "Telegram long polling did not start: "
                  + ApiFailure.of("getUpdates", e, config.token()).getMessage());
      closeQuietly(app);
      Role role = pollerRole;
      if (role != null) {
        // Granted after the start (a takeover): nobody else polls while this instance holds the
        // role, so try again rather than give up.
        log.error("{}; trying again in {} s", pollingFailure.getMessage(), POLL_RETRY.toSeconds());
        pollThread.schedule(
            () -> {
              if (role.held()) startPolling();
            },
            POLL_RETRY.toMillis(),
            TimeUnit.MILLISECONDS);
      }
      return;
    }
    pollingFailure = null;
    polling = app;
    pollingConsumer = consumer;
    pollingCut = cut;
    log.info("Telegram long polling started (this instance is the poller)");
  }

  /**
   * Stops long polling: the front-end stops, or this instance lost the poller role (another may
   * poll now). Updates fetched but not stored are not confirmed, so Telegram sends them to the next
   * poller; those stored are a no-op there (the inbox knows them).
   */
  private synchronized void stopPolling() {
    if (pollingConsumer != null) pollingConsumer.stop();
    if (polling != null) {
      closeQuietly(polling);
      polling = null;
      if (!closing)
        log.info("Telegram long polling stopped (this instance is no longer the poller)");
    }
    if (pollingCut != null) {
      // Cut the getUpdates the server is holding (else it runs up to pollTimeout, and a second
      // poller's call would overlap it); the polling client turns the cancellation into an empty
      // answer.
      pollingCut.set(true);
      for (Call call : http.dispatcher().runningCalls()) {
        if (isGetUpdates(call.request())) call.cancel();
      }
      pollingCut = null;
    }
  }

  private static void closeQuietly(TelegramBotsLongPollingApplication app) {
    try {
      app.close();
    } catch (Exception e) {
      log.warn("Telegram long polling did not stop cleanly: {}", e.toString());
    }
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

  /**
   * The port the webhook server listens on, or -1 when long polling; useful when {@code bindPort}
   * was 0, as behind a load balancer in tests.
   */
  public int webhookPort() {
    return webhook == null ? -1 : webhook.port();
  }

  /** The bot's username, from the configuration or {@code getMe}. */
  public String botUsername() {
    return botUsername;
  }

  @Override
  public String platform() {
    return TelegramContext.PLATFORM;
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
  public void stopIntake() {
    Role role;
    synchronized (this) {
      if (router != null) router.stop();
      closing = true;
      role = pollerRole;
      pollerRole = null;
    }
    // Outside the monitor: the role calls lost() (stopPolling) on its own thread before close
    // returns. Polling stops first, then the role is given up, so a standby does not poll while
    // this instance still does.
    if (role != null) role.close();
    synchronized (this) {
      stopPolling();
      if (webhook != null) {
        webhook.close();
        webhook = null;
      }
      // Cut a getUpdates still held (updates not confirmed come again on the next run).
      for (Call call : http.dispatcher().runningCalls()) {
        if (isGetUpdates(call.request())) call.cancel();
      }
    }
  }

  /**
   * How this front-end gets updates: long polling (only the instance that holds the poller role
   * polls, see {@link #polling()}) or a webhook (every instance takes calls).
   */
  public TelegramConfig.Mode mode() {
    return config.mode();
  }

  /** True while this instance long-polls (it holds the poller role); for tests and health. */
  public synchronized boolean polling() {
    return polling != null;
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
