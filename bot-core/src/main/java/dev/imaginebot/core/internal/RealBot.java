package dev.imaginebot.core.internal;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.FaultRef;
import dev.imaginebot.core.Role;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.PendingUpdate;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.command.handlers.CommandServices;
import dev.imaginebot.core.command.handlers.Commands;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.Model;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.RealSpaceGateway;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.render.JobRenderer;
import dev.imaginebot.core.store.AuditLog;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.InboxStore;
import dev.imaginebot.core.store.JobRecord;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.ModelStore;
import dev.imaginebot.core.store.Recovery;
import dev.imaginebot.core.store.RoleLock;
import dev.imaginebot.core.store.SettingsStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Bot}: wires the database, stores, model registry, job engine and messages.
 */
public final class RealBot implements Bot {
  private static final Logger log = LoggerFactory.getLogger(RealBot.class);

  /** How long {@link #close()} lets running jobs finish when {@link #drain} was not called. */
  static final Duration CLOSE_DEADLINE = Duration.ofSeconds(20);

  /** Outcomes older than this that were never shown are not shown any more at start-up. */
  static final Duration REDELIVER_WITHIN = Duration.ofHours(24);

  /** Handled updates are kept this long: platforms redeliver an unconfirmed one within a day. */
  static final Duration INBOX_RETENTION = Duration.ofDays(2);

  /** Most stored updates handed back at one start (the rest come at the next). */
  static final int MAX_PENDING = 10_000;

  private final CoreConfig config;
  private final Database db;
  private final SpaceGateway gateway;
  private final ModelRegistry registry;
  private final JobEngine engine;
  private final ImageStore images;
  private final JobStore jobs;
  private final InboxStore inbox;
  private final Messages messages;
  private final Commands commands;
  private final JobRenderer renderer;
  private final Map<String, List<DeferredView>> waitingForFrontEnd = new ConcurrentHashMap<>();
  private final Map<String, FrontEnd> frontEnds = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile boolean drained;

  /** Whether this instance shares its queue with others on the database. */
  private final boolean shared;

  private RealBot(CoreConfig config, Database db, SpaceGateway gateway) {
    this.config = config;
    this.db = db;
    this.gateway = gateway;
    this.jobs = new JobStore(db);
    this.inbox = new InboxStore(db, config.instanceId());
    ModelStore modelStore = new ModelStore(db);
    this.images = new ImageStore(config.dataDir(), db);
    this.messages = new Messages(config.defaultLanguage());
    this.registry = new ModelRegistry(config.models(), modelStore, gateway, Clock.systemUTC());
    int maxWaiting = Math.max(1000, config.limits().globalRunning() * 250);
    // On PostgreSQL any number of instances share the queue; H2 is one process's own file.
    this.shared = db.postgres();
    this.engine =
        new JobEngine(
            jobs,
            images,
            registry,
            gateway,
            config.limits(),
            config.progressInterval(),
            maxWaiting,
            shared
                ? new JobEngine.Cluster(db, config.instanceId(), config.jobLease(), this::viewFor)
                : null);
    // Buttons are signed by the commands, made below; the renderer asks for them only later.
    this.renderer = new JobRenderer(messages::describe, this::buttons, images::fit);
    this.commands =
        new Commands(
            new CommandServices(
                config,
                messages,
                registry,
                engine,
                jobs,
                new SettingsStore(db),
                modelStore,
                new AuditLog(db),
                renderer));
    registry.startChecks(config.gradio().driftCheckInterval());
    if (shared) engine.startSharing();
    else resume(jobs);
    int pruned = inbox.prune(INBOX_RETENTION);
    if (pruned > 0) log.debug("Pruned {} handled update(s)", pruned);
  }

  /** Starts the core with Spaces reached through gradio-client. */
  public static Bot start(CoreConfig config) {
    Objects.requireNonNull(config, "config == null");
    return start(config, RealSpaceGateway.forConfig(config));
  }

  /** Starts the core with Spaces reached through {@code gateway} (tests pass a fake); closes it. */
  public static RealBot start(CoreConfig config, SpaceGateway gateway) {
    Objects.requireNonNull(config, "config == null");
    Database db = Database.open(config.jdbcUrl(), config.dataDir());
    try {
      RealBot bot = new RealBot(config, db, gateway);
      log.info("Bot core started with {} model(s)", bot.registry.models().size());
      return bot;
    } catch (RuntimeException e) {
      gateway.close();
      db.close();
      throw e;
    }
  }

  /**
   * The view of a job this instance did not receive (shared mode): the front-end's, reattached to
   * the job's message, or one that waits for the front-end to register.
   */
  private JobEventListener viewFor(JobRecord job) {
    String platform = job.platform() == null ? "" : job.platform();
    String language = commands.language(job.userKey(), job.language());
    synchronized (frontEnds) {
      FrontEnd frontEnd = frontEnds.get(platform);
      if (frontEnd != null) {
        return renderer.listener(frontEnd.reattach(job.id(), job.replyRef()), language);
      }
      DeferredView view = new DeferredView(job.id(), platform, job.replyRef(), language);
      waitingForFrontEnd.computeIfAbsent(platform, p -> new CopyOnWriteArrayList<>()).add(view);
      return view;
    }
  }

  private void resume(JobStore jobs) {
    List<Recovery> left = jobs.recoverable(Clock.systemUTC().instant().minus(REDELIVER_WITHIN));
    if (!left.isEmpty()) log.info("Resuming {} job(s) left by the previous run", left.size());
    for (Recovery r : left) engine.resume(r, viewFor(r.job()));
  }

  @Override
  public boolean receive(String platform, String key, String payload) {
    return inbox.receive(platform, key, payload);
  }

  @Override
  public void handled(String platform, String key) {
    if (closed) return;
    try {
      inbox.handled(platform, key);
    } catch (RuntimeException e) {
      // Not fatal: the update is handed out again at the next start, and a job it made is found.
      log.warn("Update {} of {} not marked handled: {}", key, platform, e.toString());
    }
  }

  @Override
  public List<PendingUpdate> pending(String platform) {
    // Shared: updates younger than a job lease belong to the live instance handling them.
    Instant before = shared ? db.clock().instant().minus(config.jobLease()) : null;
    return inbox.pending(platform, MAX_PENDING, before).stream()
        .map(p -> new PendingUpdate(p.key(), p.payload()))
        .toList();
  }

  @Override
  public void moved(long jobId, String replyRef) {
    if (closed) return;
    jobs.setReplyRef(jobId, replyRef);
  }

  @Override
  public Reply handle(CommandContext ctx, String command, String args) {
    if (closed) return shuttingDown(ctx);
    try {
      return commands.handle(ctx, command, args);
    } catch (RuntimeException e) {
      return internal(ctx, "command " + command, e);
    }
  }

  @Override
  public Reply run(CommandContext ctx, String command, CommandOptions options) {
    if (closed) return shuttingDown(ctx);
    try {
      return commands.run(ctx, command, options);
    } catch (RuntimeException e) {
      return internal(ctx, "command " + command, e);
    }
  }

  @Override
  public Reply imagine(CommandContext ctx, GenerationRequest request) {
    if (closed) return shuttingDown(ctx);
    try {
      return commands.imagine(ctx, request);
    } catch (RuntimeException e) {
      return internal(ctx, "command imagine", e);
    }
  }

  @Override
  public Reply press(CommandContext ctx, String buttonId) {
    if (closed) return shuttingDown(ctx);
    try {
      return commands.press(ctx, buttonId);
    } catch (RuntimeException e) {
      return internal(ctx, "button " + buttonId, e);
    }
  }

  private Reply shuttingDown(CommandContext ctx) {
    return Reply.error(messages.error(fallbackLanguage(ctx), ErrorCode.BOT_BUSY));
  }

  private Reply internal(CommandContext ctx, String what, RuntimeException e) {
    String ref = FaultRef.next();
    log.error("Unexpected failure in {} for {} (ref {})", what, ctx.user().key(), ref, e);
    return Reply.error(messages.error(fallbackLanguage(ctx), ErrorCode.INTERNAL, ref));
  }

  private String fallbackLanguage(CommandContext ctx) {
    try {
      return commands.language(ctx);
    } catch (RuntimeException e) {
      return messages.language(ctx.user().language());
    }
  }

  @Override
  public void register(FrontEnd frontEnd) {
    Objects.requireNonNull(frontEnd, "frontEnd == null");
    List<DeferredView> views;
    synchronized (frontEnds) {
      frontEnds.put(frontEnd.platform(), frontEnd);
      views = waitingForFrontEnd.remove(frontEnd.platform());
    }
    if (views == null) return;
    for (DeferredView v : views) {
      try {
        v.attach(renderer.listener(frontEnd.reattach(v.jobId, v.replyRef), v.language));
      } catch (RuntimeException e) {
        log.warn("Front-end {} could not reattach job {}", frontEnd.platform(), v.jobId, e);
      }
    }
  }

  @Override
  public List<String> modelAliases(String prefix) {
    return modelAliases(prefix, null);
  }

  @Override
  public List<String> modelAliases(String prefix, ChatRef chat) {
    String p = prefix == null ? "" : prefix.strip().toLowerCase(Locale.ROOT);
    List<Model> models = new ArrayList<>(registry.models(chat == null ? null : chat.key()));
    models.removeIf(m -> !m.alias().toLowerCase(Locale.ROOT).startsWith(p));
    // Usable models first, display order otherwise (the sort is stable).
    models.sort(
        Comparator.comparingInt(
            m -> registry.status(m).kind() == BackendStatus.Kind.DEGRADED ? 1 : 0));
    return models.stream().map(Model::alias).toList();
  }

  @Override
  public String describe(JobEvent event, String language) {
    return messages.describe(event, language);
  }

  @Override
  public String text(String language, String key, Object... args) {
    return messages.text(language, key, args);
  }

  /** Signed ids, so a crafted press can't name a job (see {@code Buttons}). */
  @Override
  public List<Button> buttons(JobEvent event, String language) {
    return commands.buttons(event, language);
  }

  @Override
  public byte[] fit(StoredImage image, long maxBytes) {
    return images.fit(image, maxBytes);
  }

  /** The job store (for tests in this package). */
  JobStore jobs() {
    return jobs;
  }

  /** The configuration this core runs with. */
  public CoreConfig config() {
    return config;
  }

  /** True once a graceful stop began (for tests in this package). */
  boolean draining() {
    return drained;
  }

  @Override
  public Role requestRole(String name, Role.Listener listener) {
    // Instances on one PostgreSQL database compete for it; on H2 (one process) it is granted.
    return RoleLock.request(db, name, listener);
  }

  @Override
  public synchronized void drain(Duration deadline) {
    if (closed || drained) return;
    drained = true;
    engine.shutdown(deadline);
  }

  @Override
  public void close() {
    shutdown(CLOSE_DEADLINE);
  }

  /** Stops at once, as a crash would (for tests): unfinished jobs stay resumable. */
  void closeNow() {
    shutdown(Duration.ZERO);
  }

  private synchronized void shutdown(Duration deadline) {
    if (closed) return;
    closed = true;
    if (drained) engine.close();
    else engine.shutdown(deadline);
    commands.close();
    registry.close();
    gateway.close();
    db.close();
    log.info("Bot core stopped");
  }

  /** How long {@link #health()} waits for the database. */
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  @Override
  public Health health() {
    // A closed core has closed its pool; asking it would only log a failure.
    return new Health(!closed && db.reachable(HEALTH_TIMEOUT));
  }
}
