package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.AppInfo;
import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.JobListener;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client behind {@code GradioClient}, wiring its parts: {@link HttpTransport} under {@link
 * HostRules}, {@link SpaceWaker} and {@link ConfigReader} to connect, {@link FileTransfer}, and the
 * cached {@link AppModel}; it submits jobs, each to the {@link Driver} its app's {@link Protocol}
 * calls for. Public only so that {@code GradioClient} can reach it; not part of the API.
 */
public final class Connection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final Pattern SPACE_ID = Pattern.compile("^[\\w\\-.]+/[\\w\\-.]+$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClientSettings settings;
  private final ClientThreads threads;
  private final String hubUrl;
  private final HostRules rules;
  private final HttpTransport http;
  private final Set<Object> live = ConcurrentHashMap.newKeySet();
  private final Set<JobImpl> active = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastSubmit;
  private volatile String base;
  private volatile String origin;
  private volatile ConfigReader config;
  private volatile FileTransfer files;
  private volatile AppModel model;
  private QueueSession shared;
  private volatile boolean closed;

  private Connection(ClientSettings settings) {
    this.settings = settings;
    this.hubUrl = stripSlash(settings.hubUrl());
    HttpUrl hub = HttpUrl.parse(hubUrl);
    this.rules = new HostRules(settings.hostPolicy(), settings.allowedFileHosts(), hub);
    this.lastSubmit = new AtomicLong(settings.ticker().getAsLong());
    this.threads = new ClientThreads(settings.callbackExecutor());
    this.http = new HttpTransport(settings, rules, hub);
  }

  // ---------------------------------------------------------------- connecting

  /** Connects, waking a sleeping Space first; see {@code GradioClient#connect}. */
  public static Connection connect(String src, ClientSettings settings, JobListener wakeListener) {
    Objects.requireNonNull(src, "src == null");
    Connection c = new Connection(settings);
    try {
      c.open(src.trim(), wakeListener == null ? JobListener.NONE : wakeListener);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void open(String src, JobListener wakeListener) {
    SerialExecutor wakeEvents = new SerialExecutor(threads.callbacks());
    long deadline = System.nanoTime() + settings.wakeTimeout().toNanos();
    boolean space =
        !src.startsWith("http://")
            && !src.startsWith("https://")
            && SPACE_ID.matcher(src).matches();
    if (space) {
      SpaceWaker waker = new SpaceWaker(http, settings, hubUrl, threads.timer());
      base = waker.resolveHost(src);
      // An open policy trusts the host the Hub names, a strict one only what it allows.
      rules.admit(base, "The Hub names a host for " + src + " that is not allowed");
      waker.awaitRuntime(src, deadline, wakeEvents, wakeListener);
    } else {
      HttpUrl url = HttpUrl.parse(src);
      if (url == null) {
        throw Failures.exception(
            FailureCode.SPACE_NOT_FOUND,
            "\"" + src + "\" is neither a Space id (owner/name) nor a URL.");
      }
      rules.admit(src, "The app's address is not allowed");
      base = stripSlash(url.newBuilder().query(null).fragment(null).build().toString());
    }
    origin = HostRules.originOf(HttpUrl.parse(base));
    rules.appOrigin(origin);
    files = new FileTransfer(http, rules, settings, base, origin);
    config =
        new ConfigReader(
            http, settings, base, space || base.contains(".hf.space"), threads.timer());
    if (settings.username() != null) config.login();
    model = config.read(deadline, wakeEvents, wakeListener);
    log.info(
        "connected to {} (Gradio {}, protocol {})",
        base,
        model.app.version(),
        model.app.protocol());
  }

  /** Re-reads config and API (after a join 404/500, or a restart); keeps the old on failure. */
  AppModel refresh() {
    try {
      return rereadModel();
    } catch (GradioException e) {
      log.debug("refresh failed: {}", e.failure().code());
      return model;
    }
  }

  /**
   * Re-reads config and API now, without waiting for a starting app, and makes them current. Jobs
   * in flight keep what they started with.
   *
   * @throws GradioException when they cannot be read; the cached ones stay then
   */
  public ApiInfo reread() {
    return rereadModel().api;
  }

  private AppModel rereadModel() {
    AppModel fresh =
        config.read(System.nanoTime(), new SerialExecutor(Runnable::run), JobListener.NONE);
    model = fresh;
    return fresh;
  }

  void refreshQuietly() {
    worker(this::refresh);
  }

  // ---------------------------------------------------------------- API

  /** The app's self-description. */
  public AppInfo app() {
    return model.app;
  }

  /** The cached API. */
  public ApiInfo api() {
    return model.api;
  }

  AppModel model() {
    return model;
  }

  ClientSettings settings() {
    return settings;
  }

  String base() {
    return base;
  }

  Outputs.Resolver resolver() {
    AppModel m = model;
    return new Outputs.Resolver(base, origin, m == null ? "" : m.prefix);
  }

  String endpointNotFound(String name) {
    List<String> valid = model.validNames();
    return "No endpoint matching \""
        + (name == null ? "?" : name.startsWith("/") ? name : "/" + name)
        + "\" was found. Valid named endpoints are: "
        + (valid.isEmpty() ? "(none)" : String.join(", ", valid))
        + ".";
  }

  /** Submits by endpoint name ({@code "/infer"}). */
  public Job submit(String endpoint, Arguments args, JobListener listener, boolean ownSession) {
    Objects.requireNonNull(endpoint, "endpoint == null");
    EndpointSpec spec = model.byName(endpoint);
    if (spec == null) {
      return failed(
          Failure.of(FailureCode.ENDPOINT_NOT_FOUND, endpointNotFound(endpoint)), listener);
    }
    return submit(spec, args, listener, ownSession);
  }

  /** Submits to an endpoint from {@link #api()}, named or not. */
  public Job submit(Endpoint endpoint, Arguments args, JobListener listener, boolean ownSession) {
    Objects.requireNonNull(endpoint, "endpoint == null");
    EndpointSpec spec = model.byFnIndex(endpoint.fnIndex());
    if (spec == null) {
      return failed(
          Failure.of(FailureCode.ENDPOINT_NOT_FOUND, endpointNotFound(endpoint.name())), listener);
    }
    return submit(spec, args, listener, ownSession);
  }

  /** Submits by dependency index, named or not. */
  public Job submit(int fnIndex, Arguments args, JobListener listener, boolean ownSession) {
    EndpointSpec spec = model.byFnIndex(fnIndex);
    if (spec == null || !spec.visible()) {
      return failed(
          Failure.of(FailureCode.ENDPOINT_NOT_FOUND, endpointNotFound("fn_index " + fnIndex)),
          listener);
    }
    return submit(spec, args, listener, ownSession);
  }

  private Job failed(Failure failure, JobListener listener) {
    JobImpl job = new JobImpl(this, null, newHash(), false, List.of(), listener);
    job.fail(failure);
    return job;
  }

  private Job submit(EndpointSpec spec, Arguments args, JobListener listener, boolean ownSession) {
    Objects.requireNonNull(args, "args == null");
    Objects.requireNonNull(listener, "listener == null");
    if (closed) throw new IllegalStateException("client is closed");
    ArgumentMapper.Mapped mapped;
    try {
      mapped = ArgumentMapper.map(spec, args, settings.strictArguments());
    } catch (GradioException e) {
      return failed(e.failure(), listener);
    }
    AppModel m = model;
    QueueSession session = null;
    String hash;
    if (m.protocol.sharesSession()) {
      session = ownSession ? new QueueSession(this, newHash(), true) : sharedSession();
      if (ownSession) live.add(session);
      hash = session.hash;
    } else {
      hash = newHash();
    }
    JobImpl job = new JobImpl(this, spec, hash, ownSession, mapped.dropped(), listener);
    if (!mapped.dropped().isEmpty()) {
      log.debug("job {}: dropped unknown arguments {}", job, mapped.dropped());
    }
    active.add(job);
    job.startTimers(
        settings.deadline(), m.protocol.heartbeat() ? settings.heartbeatTimeout() : null);
    QueueSession s = session;
    Arguments recheck = idleTooLong() ? args : null;
    worker(() -> start(job, s, mapped.data(), m, recheck));
    return job;
  }

  /** Marks a submission; true when none came for longer than the idle threshold. */
  private boolean idleTooLong() {
    long now = settings.ticker().getAsLong();
    long previous = lastSubmit.getAndSet(now);
    long idle = settings.idleRevalidation().toNanos();
    return idle > 0 && now - previous > idle;
  }

  /**
   * The cached model, or a fresh one when the app's {@code app_id} has changed (it restarted).
   * Costs one request, and only on versions that have {@code /app_id}.
   */
  private AppModel revalidated(AppModel m) {
    String appId = config.appId(m);
    if (appId == null || appId.equals(m.app.appId())) return m;
    log.info("app restarted (new app_id); re-reading its config");
    return refresh();
  }

  /**
   * @param recheck the job's arguments when the client was idle long enough that the app may have
   *     restarted; null otherwise
   */
  private void start(
      JobImpl job, QueueSession session, List<Object> raw, AppModel m, Arguments recheck) {
    if (job.isTerminal()) return;
    if (recheck != null) {
      AppModel fresh = revalidated(m);
      if (fresh != m && fresh.protocol == m.protocol) {
        EndpointSpec spec =
            job.spec.apiName() != null
                ? fresh.byName(job.spec.apiName())
                : fresh.byFnIndex(job.spec.fnIndex());
        if (spec == null) {
          job.fail(
              Failure.of(
                  FailureCode.ENDPOINT_NOT_FOUND, endpointNotFound(job.spec.endpoint().name())));
          return;
        }
        try {
          raw = ArgumentMapper.map(spec, recheck, settings.strictArguments()).data();
        } catch (GradioException e) {
          job.fail(e.failure());
          return;
        }
        job.respec(spec);
        m = fresh;
      }
    }
    List<Object> data;
    try {
      data = new ArrayList<>();
      for (Object v : raw) data.add(files.prepare(v, m));
    } catch (GradioException e) {
      job.fail(e);
      return;
    }
    Driver driver = driverFor(job.spec, m, session);
    job.driver(driver);
    driver.start(job, data, m);
  }

  /**
   * The one place that picks how a job travels: by the app's protocol, or as a plain call for an
   * endpoint outside the queue.
   *
   * @param session the job's session on protocols that share one, else null
   */
  private Driver driverFor(EndpointSpec spec, AppModel m, QueueSession session) {
    boolean queued =
        (!m.protocol.queueOptional() || m.enableQueue) && !Boolean.FALSE.equals(spec.queue());
    if (!queued) return new RunDriver(this);
    return switch (m.protocol.stream()) {
      case WEBSOCKET_PER_JOB -> new WebSocketDriver(this);
      case SSE_PER_JOB -> new LegacySseDriver(this);
      case SSE_SESSION -> Objects.requireNonNull(session, "session == null");
    };
  }

  private synchronized QueueSession sharedSession() {
    if (shared == null) shared = new QueueSession(this, newHash(), false);
    return shared;
  }

  void jobEnded(JobImpl job) {
    active.remove(job);
  }

  /** A session's last job ended. Own sessions are forgotten then. */
  void sessionIdle(QueueSession session) {
    if (session.ownSession() && session.idle()) live.remove(session);
  }

  private static String newHash() {
    StringBuilder sb = new StringBuilder();
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 11; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    return sb.toString();
  }

  // ---------------------------------------------------------------- files

  /** Uploads a local file; for 3.x apps the file travels inline as a data URL instead. */
  public FileRef upload(Path file) {
    return files.upload(file, model);
  }

  /** Downloads a file, only from the app's origin or allowed hosts, at most {@code maxBytes}. */
  public byte[] download(FileRef file, long maxBytes) {
    return files.download(file, maxBytes);
  }

  // ---------------------------------------------------------------- for the drivers

  HttpTransport http() {
    return http;
  }

  ScheduledExecutorService scheduler() {
    return threads.timer();
  }

  Executor callbackExecutor() {
    return threads.callbacks();
  }

  void worker(Runnable task) {
    threads.work(task);
  }

  /** Requests (and websocket connections) made so far. */
  public long requestCount() {
    return http.requestCount();
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 120) return s + " s";
    if (s < 7200) return (s / 60) + " min";
    return (s / 3600) + " h";
  }

  static String stripSlash(String s) {
    String out = s;
    while (out.endsWith("/")) out = out.substring(0, out.length() - 1);
    return out;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    QueueSession s;
    synchronized (this) {
      s = shared;
    }
    if (s != null) s.close();
    for (Object o : live) if (o instanceof QueueSession q) q.close();
    for (JobImpl job : List.copyOf(active)) {
      job.fail(
          Failure.of(
              FailureCode.CONNECTION_LOST, "The client was closed before the job finished."));
      job.abandon();
    }
    threads.close();
    http.close();
  }
}
