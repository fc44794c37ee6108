package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.AppInfo;
import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.HostPolicy;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.JobListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Dns;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code GradioClient}: HTTP plumbing, cached config and API, sessions and
 * drivers. Public only so that {@code GradioClient} can reach it; not part of the API.
 */
public final class Connection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final Pattern SPACE_ID = Pattern.compile("^[\\w\\-.]+/[\\w\\-.]+$");
  private static final Pattern WINDOW_CONFIG =
      Pattern.compile("window\\.gradio_config\\s*=\\s*(\\{.*?\\});?\\s*</script>", Pattern.DOTALL);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final Set<String> WAIT_STAGES =
      Set.of("SLEEPING", "STOPPED", "BUILDING", "APP_STARTING", "RUNNING_APP_STARTING");
  private static final Set<String> RUN_STAGES = Set.of("RUNNING", "RUNNING_BUILDING");
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_REDIRECTS = 5;

  private final Settings settings;
  private final AtomicLong requests = new AtomicLong();
  private final OkHttpClient http;
  private final OkHttpClient streams;
  private final OkHttpClient files;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService worker;
  private final ExecutorService ownedCallbacks;
  private final Executor callbackExecutor;
  private final String hubUrl;
  private final HttpUrl hub;
  private volatile HostPolicy policy;
  private final Set<Object> live = ConcurrentHashMap.newKeySet();
  private final Set<JobImpl> active = ConcurrentHashMap.newKeySet();
  private volatile String base;
  private volatile String origin;
  private volatile String spaceId;
  private volatile AppModel model;
  private final AtomicLong lastSubmit;
  private QueueSession shared;
  private volatile boolean closed;

  private Connection(Settings settings) {
    this.settings = settings;
    this.hubUrl = stripSlash(settings.hubUrl());
    this.hub = HttpUrl.parse(hubUrl);
    List<String> trusted = new ArrayList<>(settings.allowedFileHosts());
    if (hub != null) trusted.add(originOf(hub));
    this.policy = settings.hostPolicy().allowing(trusted);
    this.lastSubmit = new AtomicLong(settings.ticker().getAsLong());
    int n = CLIENTS.incrementAndGet();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("gradio-timer-" + n));
    this.worker = Executors.newCachedThreadPool(daemon("gradio-worker-" + n));
    if (settings.callbackExecutor() != null) {
      this.ownedCallbacks = null;
      this.callbackExecutor = settings.callbackExecutor();
    } else {
      this.ownedCallbacks = Executors.newSingleThreadExecutor(daemon("gradio-callbacks-" + n));
      this.callbackExecutor = ownedCallbacks;
    }
    OkHttpClient.Builder b =
        settings.httpClient() != null
            ? settings.httpClient().newBuilder()
            : new OkHttpClient.Builder();
    Dns dns = settings.httpClient() != null ? settings.httpClient().dns() : Dns.SYSTEM;
    b.cookieJar(new MemoryCookieJar())
        .addInterceptor(
            chain -> {
              requests.incrementAndGet();
              return chain.proceed(chain.request());
            })
        // Redirects are followed by the guard, which checks every hop against the policy.
        .followRedirects(false)
        .followSslRedirects(false)
        .dns(host -> checkedLookup(dns, host))
        .connectTimeout(Duration.ofSeconds(15))
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60));
    OkHttpClient base = b.build();
    this.http = base.newBuilder().addInterceptor(guard(true)).build();
    this.streams =
        http.newBuilder()
            .readTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            .pingInterval(Duration.ofSeconds(20))
            .build();
    // Downloads follow redirects themselves, to keep them on the app's origin.
    this.files = base.newBuilder().addInterceptor(guard(false)).build();
  }

  /** A name's addresses, refused when the policy does not allow one of them. */
  private List<InetAddress> checkedLookup(Dns dns, String host) throws UnknownHostException {
    List<InetAddress> all = dns.lookup(host);
    for (InetAddress a : all) {
      Optional<String> refusal = policy.refusal(host, a);
      if (refusal.isPresent()) throw new HostRefusedException(host + ": " + refusal.get());
    }
    return all;
  }

  /**
   * Checks each request, and each redirect hop when {@code follow}, against the policy before it is
   * sent, and adds the token where it belongs: never on a hop to another host.
   */
  private Interceptor guard(boolean follow) {
    return chain -> {
      Request request = chain.request();
      String firstHost = request.url().host();
      for (int hop = 0; ; hop++) {
        Optional<String> refusal = policy.refusal(request.url().toString());
        if (refusal.isPresent()) {
          throw new HostRefusedException(request.url().host() + ": " + refusal.get());
        }
        Request sent = request;
        String header = request.url().host().equals(firstHost) ? tokenHeader(request.url()) : null;
        if (header != null) {
          sent = request.newBuilder().header(header, "Bearer " + settings.hfToken()).build();
        }
        Response response = chain.proceed(sent);
        boolean safeMethod = request.method().equals("GET") || request.method().equals("HEAD");
        String location = response.header("Location");
        HttpUrl next = location == null ? null : request.url().resolve(location);
        if (!follow || !response.isRedirect() || !safeMethod || next == null) return response;
        response.close();
        if (hop >= MAX_REDIRECTS) throw new ProtocolException("too many redirects");
        request = request.newBuilder().url(next).build();
      }
    };
  }

  /**
   * The header that carries the token to {@code url}, or null: only over https, {@code
   * X-HF-Authorization} to {@code *.hf.space} and {@code Authorization} to the Hub (also to a Hub
   * stand-in on a loopback address, where the token never leaves the machine).
   */
  private String tokenHeader(HttpUrl url) {
    String token = settings.hfToken();
    if (token == null || token.isBlank()) return null;
    boolean https = url.scheme().equals("https");
    if (https && url.host().endsWith(".hf.space")) return "X-HF-Authorization";
    if (hub != null
        && url.host().equals(hub.host())
        && url.port() == hub.port()
        && url.scheme().equals(hub.scheme())
        && (https || isLoopbackLiteral(hub.host()))) {
      return "Authorization";
    }
    return null;
  }

  private static boolean isLoopbackLiteral(String host) {
    return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
  }

  /** A request the host policy refused before it was sent. */
  static final class HostRefusedException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    HostRefusedException(String message) {
      super(message);
    }
  }

  /** The refusal behind an I/O failure, or null when it was something else. */
  static HostRefusedException refusalIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HostRefusedException h) return h;
      for (Throwable s : t.getSuppressed()) if (s instanceof HostRefusedException h) return h;
    }
    return null;
  }

  private static GradioException hostRefused(HostRefusedException e) {
    log.info("refused to reach {}", e.getMessage());
    return new GradioException(
        Failure.of(
            FailureCode.HOST_REFUSED, "The app's address is not allowed (" + e.getMessage() + ")."),
        e);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- connecting

  /** Connects, waking a sleeping Space first; see {@code GradioClient#connect}. */
  public static Connection connect(String src, Settings settings, JobListener wakeListener) {
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
    SerialExecutor wakeEvents = new SerialExecutor(callbackExecutor);
    long deadline = System.nanoTime() + settings.wakeTimeout().toNanos();
    if (!src.startsWith("http://")
        && !src.startsWith("https://")
        && SPACE_ID.matcher(src).matches()) {
      spaceId = src;
      base = resolveSpaceHost(src);
      // An open policy trusts the host the Hub names, a strict one only what it allows.
      trustOrRefuse(base, "The Hub names a host for " + src + " that is not allowed");
      awaitRuntime(src, deadline, wakeEvents, wakeListener);
    } else {
      HttpUrl url = HttpUrl.parse(src);
      if (url == null) {
        throw Failures.exception(
            FailureCode.SPACE_NOT_FOUND,
            "\"" + src + "\" is neither a Space id (owner/name) nor a URL.");
      }
      trustOrRefuse(src, "The app's address is not allowed");
      base = stripSlash(url.newBuilder().query(null).fragment(null).build().toString());
    }
    HttpUrl parsed = HttpUrl.parse(base);
    origin = originOf(parsed);
    if (settings.username() != null) login();
    JsonNode config = fetchConfig(deadline, wakeEvents, wakeListener);
    model = buildModel(config);
    log.info(
        "connected to {} (Gradio {}, protocol {})",
        base,
        model.app.version(),
        model.app.protocol());
  }

  /**
   * Adds {@code url}'s origin to an open policy, then refuses it when the policy does not allow it.
   */
  private void trustOrRefuse(String url, String what) {
    HttpUrl parsed = HttpUrl.parse(url);
    boolean credentials =
        parsed == null || !parsed.username().isEmpty() || !parsed.password().isEmpty();
    if (!policy.isStrict() && !credentials) policy = policy.allowing(List.of(originOf(parsed)));
    Optional<String> refusal = policy.refusal(url);
    if (refusal.isPresent()) {
      log.info("refused {}: {}", url, refusal.get());
      throw Failures.exception(FailureCode.HOST_REFUSED, what + " (" + refusal.get() + ").");
    }
  }

  private static String originOf(HttpUrl url) {
    boolean defaultPort = url.port() == HttpUrl.defaultPort(url.scheme());
    return url.scheme() + "://" + hostForUrl(url.host()) + (defaultPort ? "" : ":" + url.port());
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private String resolveSpaceHost(String id) {
    Request request = get(hubUrl + "/api/spaces/" + id + "/host").build();
    try (Response r = execute(request)) {
      String text = r.body().string();
      if (r.code() == 404) {
        throw Failures.exception(
            FailureCode.SPACE_NOT_FOUND, "There is no Space called " + id + ".");
      }
      if (r.code() == 401 || r.code() == 403) {
        boolean hasToken = settings.hfToken() != null && !settings.hfToken().isBlank();
        throw Failures.exception(
            hasToken ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
            hasToken
                ? "The Space " + id + " does not exist or the token cannot see it."
                : "The Space "
                    + id
                    + " does not exist or is private (a Hugging Face token is needed).");
      }
      if (r.code() == 429) throw httpFailure(r, text, "hub");
      if (r.isSuccessful()) {
        String host = Json.text(Json.parse(text), "host");
        if (host != null && !host.isBlank()) {
          return stripSlash(host.startsWith("http") ? host : "https://" + host);
        }
      }
      log.debug("Hub host lookup for {} answered HTTP {}; using the naming rule", id, r.code());
    } catch (IOException e) {
      log.debug("Hub host lookup for {} failed; using the naming rule", id, e);
    }
    return "https://" + id.toLowerCase(Locale.ROOT).replaceAll("[/_.]", "-") + ".hf.space";
  }

  private void awaitRuntime(String id, long deadline, SerialExecutor events, JobListener listener) {
    String lastStage = null;
    long delay = 1000;
    while (true) {
      String stage;
      try (Response r = execute(get(hubUrl + "/api/spaces/" + id + "/runtime").build())) {
        String text = r.body().string();
        if (!r.isSuccessful()) {
          log.debug("runtime of {}: HTTP {}", id, r.code());
          return;
        }
        stage = Json.text(Json.parse(text), "stage");
      } catch (IOException e) {
        log.debug("runtime of {} unknown", id, e);
        return;
      }
      if (stage == null || RUN_STAGES.contains(stage)) return;
      if (!WAIT_STAGES.contains(stage)) {
        throw Failures.exception(FailureCode.SPACE_NOT_RUNNING, notRunningReason(id, stage));
      }
      if (!stage.equals(lastStage)) {
        String message = wakingMessage(stage);
        events.execute(() -> listener.onEvent(new Event.Waking(stage, message)));
        lastStage = stage;
      }
      // A sleeping Space wakes on its first request: the config fetch does that.
      if (stage.equals("SLEEPING") || stage.equals("STOPPED")) return;
      if (System.nanoTime() + delay * 1_000_000 > deadline) {
        throw Failures.exception(
            FailureCode.TIMEOUT,
            "The Space " + id + " did not start within " + human(settings.wakeTimeout()) + ".");
      }
      pause(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }

  private static String wakingMessage(String stage) {
    switch (stage) {
      case "SLEEPING":
      case "STOPPED":
        return "The Space is asleep. Waking it up...";
      case "BUILDING":
        return "The Space is being built...";
      default:
        return "The Space is starting...";
    }
  }

  private static String notRunningReason(String id, String stage) {
    switch (stage) {
      case "PAUSED":
        return "The Space " + id + " is paused by its owner.";
      case "BUILD_ERROR":
        return "The Space " + id + " failed to build.";
      case "CONFIG_ERROR":
        return "The Space " + id + " has a configuration error.";
      case "RUNTIME_ERROR":
        return "The Space " + id + " crashed (runtime error).";
      case "NO_APP_FILE":
        return "The Space " + id + " has no app file.";
      case "DELETING":
        return "The Space " + id + " is being deleted.";
      default:
        return "The Space " + id + " is not running (" + stage.toLowerCase(Locale.ROOT) + ").";
    }
  }

  /** Waits on the timer thread rather than sleeping the caller's thread in a loop. */
  private void pause(long millis) {
    try {
      scheduler.schedule(() -> null, millis, TimeUnit.MILLISECONDS).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.exception(FailureCode.TIMEOUT, "Interrupted while waiting for the app.");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private void login() {
    RequestBody form =
        new FormBody.Builder()
            .add("username", settings.username())
            .add("password", settings.password())
            .build();
    try (Response r = execute(new Request.Builder().url(base + "/login").post(form).build())) {
      String text = r.body().string();
      if (r.isSuccessful()) return;
      log.debug("login answered HTTP {}: {}", r.code(), text);
      if (r.code() == 400 || r.code() == 401 || r.code() == 403) {
        throw Failures.exception(
            FailureCode.AUTH_DENIED, "The app refused the username or password.");
      }
      if (r.code() == 429) throw httpFailure(r, text, "login");
    } catch (IOException e) {
      throw new GradioException(
          Failure.of(FailureCode.CONNECTION_LOST, "Could not reach the app to log in."), e);
    }
  }

  private JsonNode fetchConfig(long deadline, SerialExecutor events, JobListener listener) {
    long delay = 500;
    boolean announced = false;
    boolean patient = spaceId != null || base.contains(".hf.space");
    while (true) {
      String reason;
      try (Response r = execute(get(base + "/config").build())) {
        String text = r.body().string();
        int code = r.code();
        if (code == 200) {
          JsonNode config = parseConfig(text);
          if (config != null) return config;
          reason = "HTML instead of config";
        } else if (code == 401 || code == 403) {
          log.debug("config answered HTTP {}: {}", code, text);
          boolean gradioAuth = text.contains("Not authenticated");
          boolean hasToken = settings.hfToken() != null && !settings.hfToken().isBlank();
          if (gradioAuth) {
            throw Failures.exception(
                settings.username() != null ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
                settings.username() != null
                    ? "The app refused the username or password."
                    : "The app needs a login (username and password).");
          }
          throw Failures.exception(
              hasToken ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
              hasToken
                  ? "The Space refused the Hugging Face token."
                  : "The Space is private; a Hugging Face token with access is needed.");
        } else if (code == 404) {
          JsonNode config = pageConfig();
          if (config != null) return config;
          throw Failures.exception(
              FailureCode.SPACE_NOT_FOUND, "There is no Gradio app at " + base + ".");
        } else if (code == 429) {
          throw httpFailure(r, text, "config");
        } else if (code == 502 || code == 503 || code == 504) {
          reason = "HTTP " + code;
        } else {
          log.debug("config answered HTTP {}: {}", code, text);
          throw Failures.exception(
              FailureCode.PROTOCOL_ERROR,
              "The app's configuration could not be read (HTTP " + code + ").");
        }
      } catch (IOException e) {
        HostRefusedException refused = refusalIn(e);
        if (refused != null) throw hostRefused(refused);
        // A host that does not resolve is not a Space that is starting: waiting cannot help.
        if (!patient || e instanceof java.net.UnknownHostException) {
          String why = Failures.unreachable(e);
          throw new GradioException(
              Failure.of(
                  why == null ? FailureCode.CONNECTION_LOST : FailureCode.UNREACHABLE,
                  "Could not reach the app at " + base + (why == null ? "." : ": " + why + ".")),
              e);
        }
        reason = e.toString();
      }
      log.debug("app at {} is starting ({}); retrying", base, reason);
      if (!announced) {
        announced = true;
        events.execute(
            () -> listener.onEvent(new Event.Waking("APP_STARTING", "The app is starting...")));
      }
      if (System.nanoTime() + delay * 1_000_000 > deadline) {
        throw Failures.exception(
            FailureCode.TIMEOUT,
            "The app did not start within " + human(settings.wakeTimeout()) + ".");
      }
      pause(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }

  private static JsonNode parseConfig(String text) {
    String trimmed = text.trim();
    if (trimmed.startsWith("{")) {
      try {
        JsonNode node = Json.parse(trimmed);
        if (node.isObject() && (node.has("dependencies") || node.has("components"))) return node;
      } catch (IOException e) {
        log.debug("config is not JSON");
      }
      return null;
    }
    Matcher m = WINDOW_CONFIG.matcher(text);
    if (m.find()) {
      try {
        return Json.parse(m.group(1));
      } catch (IOException e) {
        log.debug("window.gradio_config is not JSON");
      }
    }
    return null;
  }

  private JsonNode pageConfig() {
    try (Response r = execute(get(base + "/").build())) {
      if (!r.isSuccessful()) return null;
      return parseConfig(r.body().string());
    } catch (IOException e) {
      HostRefusedException refused = refusalIn(e);
      if (refused != null) throw hostRefused(refused);
      return null;
    }
  }

  private AppModel buildModel(JsonNode config) {
    JsonNode info = null;
    if (AppModel.usesInfo(config)) {
      String prefix = AppModel.prefixOf(config);
      try (Response r = execute(get(base + prefix + "/info").build())) {
        String text = r.body().string();
        if (r.isSuccessful()) info = Json.parse(text);
        else log.debug("info answered HTTP {}; describing the API from the config", r.code());
      } catch (IOException e) {
        HostRefusedException refused = refusalIn(e);
        if (refused != null) throw hostRefused(refused);
        log.debug("info unreadable; describing the API from the config", e);
      }
    }
    return AppModel.parse(base, config, info);
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
    JsonNode config =
        fetchConfig(System.nanoTime(), new SerialExecutor(Runnable::run), JobListener.NONE);
    AppModel fresh = buildModel(config);
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

  Settings settings() {
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
    if (!m.atLeast(4, 40) || m.app.appId() == null) return m;
    String appId;
    try (Response r = execute(get(base + m.prefix + "/app_id").build())) {
      String text = r.body().string();
      if (!r.isSuccessful()) {
        log.debug("app_id answered HTTP {}", r.code());
        return m;
      }
      appId = Json.text(Json.parse(text), "app_id");
    } catch (IOException e) {
      log.debug("app_id check failed", e);
      return m;
    }
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
      for (Object v : raw) data.add(prepare(v, m));
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

  /** Turns Paths and FileRefs into what the app's protocol expects for file inputs. */
  private Object prepare(Object value, AppModel m) {
    boolean inline = m.protocol.filesInline();
    if (value instanceof Path p) {
      return inline ? dataUrl(p) : fileData(upload(p));
    }
    if (value instanceof FileRef f) {
      if (!inline) return fileData(f);
      if (f.url().startsWith("data:")) return f.url();
      byte[] bytes = download(f, settings.maxDownloadBytes());
      String mime = f.mimeType() != null ? f.mimeType() : "application/octet-stream";
      return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) out.add(prepare(o, m));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet())
        out.put(String.valueOf(e.getKey()), prepare(e.getValue(), m));
      return out;
    }
    return value;
  }

  private static Map<String, Object> fileData(FileRef f) {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean remote = f.url().startsWith("http://") || f.url().startsWith("https://");
    out.put("path", f.path() != null ? f.path() : f.url());
    if (f.path() == null || remote && f.path() == null) out.put("url", f.url());
    if (f.origName() != null) out.put("orig_name", f.origName());
    if (f.mimeType() != null) out.put("mime_type", f.mimeType());
    out.put("meta", Map.of("_type", "gradio.FileData"));
    return out;
  }

  private String dataUrl(Path p) {
    try {
      byte[] bytes = Files.readAllBytes(p);
      return "data:" + mimeOf(p) + ";base64," + Base64.getEncoder().encodeToString(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p, e);
    }
  }

  private static String mimeOf(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) return "image/png";
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return "image/jpeg";
    if (name.endsWith(".webp")) return "image/webp";
    if (name.endsWith(".gif")) return "image/gif";
    try {
      String probed = Files.probeContentType(p);
      if (probed != null) return probed;
    } catch (IOException e) {
      log.debug("no content type for {}", p);
    }
    return "application/octet-stream";
  }

  /** Uploads a local file; for 3.x apps the file travels inline as a data URL instead. */
  public FileRef upload(Path file) {
    Objects.requireNonNull(file, "file == null");
    String name = file.getFileName().toString();
    String mime = mimeOf(file);
    AppModel m = model;
    if (m.protocol.filesInline()) return new FileRef(dataUrl(file), null, name, mime, null);
    RequestBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart(
                "files", name, RequestBody.create(file.toFile(), MediaType.parse(mime)))
            .build();
    Request request = new Request.Builder().url(base + m.prefix + "/upload").post(body).build();
    try (Response r = execute(request)) {
      String text = r.body().string();
      if (!r.isSuccessful()) {
        log.debug("upload answered HTTP {}: {}", r.code(), text);
        if (r.code() == 413) {
          throw Failures.exception(
              FailureCode.FILE_REJECTED, "The app refused the file: it is too large.");
        }
        throw httpFailure(r, text, "upload");
      }
      JsonNode paths = Json.parse(text);
      if (!paths.isArray() || paths.size() == 0 || !paths.get(0).isTextual()) {
        throw Failures.exception(
            FailureCode.PROTOCOL_ERROR, "The app's upload answer is unreadable.");
      }
      String path = paths.get(0).textValue();
      return new FileRef(resolver().resolve(null, path), path, name, mime, null);
    } catch (IOException e) {
      throw new GradioException(
          Failure.of(FailureCode.CONNECTION_LOST, "Could not upload the file to the app."), e);
    }
  }

  // ---------------------------------------------------------------- files

  /** Downloads a file, only from the app's origin or allowed hosts, at most {@code maxBytes}. */
  public byte[] download(FileRef file, long maxBytes) {
    Objects.requireNonNull(file, "file == null");
    String url = file.url();
    if (url.startsWith("data:")) return decodeDataUrl(url, maxBytes);
    long deadline = System.nanoTime() + settings.downloadTimeout().toNanos();
    for (int hop = 0; hop < MAX_REDIRECTS; hop++) {
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null || !allowed(parsed)) {
        log.debug("refused file URL {}", url);
        throw Failures.exception(
            FailureCode.FILE_REJECTED,
            "The file is not hosted by the app, so it was not downloaded.");
      }
      Call call = files.newCall(get(url).build());
      long left = deadline - System.nanoTime();
      if (left <= 0) throw downloadTimedOut();
      call.timeout().timeout(left, TimeUnit.NANOSECONDS);
      try (Response r = call.execute()) {
        if (r.isRedirect()) {
          String location = r.header("Location");
          HttpUrl next = location == null ? null : parsed.resolve(location);
          if (next == null) break;
          url = next.toString();
          continue;
        }
        if (!r.isSuccessful()) {
          log.debug("file GET {} answered HTTP {}", url, r.code());
          if (r.code() == 401 || r.code() == 403) throw httpFailure(r, "", "file");
          throw Failures.exception(
              r.code() == 404 ? FailureCode.FILE_REJECTED : FailureCode.CONNECTION_LOST,
              "The app could not deliver the file (HTTP " + r.code() + ").");
        }
        long declared = r.body().contentLength();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        return readCapped(r.body().byteStream(), maxBytes);
      } catch (IOException e) {
        if (refusalIn(e) != null) {
          log.debug("refused file host", e);
          throw Failures.exception(
              FailureCode.FILE_REJECTED,
              "The file's host is not allowed, so it was not downloaded.");
        }
        if (e instanceof InterruptedIOException && deadline - System.nanoTime() <= 0) {
          throw downloadTimedOut();
        }
        throw new GradioException(
            Failure.of(FailureCode.CONNECTION_LOST, "The file download was interrupted."), e);
      }
    }
    throw Failures.exception(FailureCode.FILE_REJECTED, "The file URL redirects too often.");
  }

  private GradioException downloadTimedOut() {
    return Failures.exception(
        FailureCode.TIMEOUT,
        "The file download took longer than " + human(settings.downloadTimeout()) + ".");
  }

  private boolean allowed(HttpUrl url) {
    if (originOf(url).equals(origin)) return true;
    return settings.allowedFileHosts().contains(url.host())
        && (url.scheme().equals("https")
            || url.host().equals("127.0.0.1")
            || url.host().equals("localhost"));
  }

  private static GradioException tooLarge(long maxBytes) {
    return Failures.exception(
        FailureCode.FILE_REJECTED, "The file is larger than " + maxBytes + " bytes.");
  }

  private static byte[] readCapped(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) throw tooLarge(maxBytes);
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  static byte[] decodeDataUrl(String url, long maxBytes) {
    int comma = url.indexOf(',');
    if (comma < 0)
      throw Failures.exception(FailureCode.FILE_REJECTED, "The data URI is malformed.");
    String head = url.substring(5, comma);
    String payload = url.substring(comma + 1);
    byte[] bytes;
    if (head.endsWith(";base64")) {
      // Base64 expands 3 bytes to 4 characters: check before decoding.
      if ((payload.length() / 4L) * 3 > maxBytes + 3) throw tooLarge(maxBytes);
      try {
        bytes = Base64.getMimeDecoder().decode(payload);
      } catch (IllegalArgumentException e) {
        throw Failures.exception(FailureCode.FILE_REJECTED, "The data URI is malformed.");
      }
    } else {
      if (payload.length() > maxBytes * 3) throw tooLarge(maxBytes);
      bytes =
          URLDecoder.decode(payload.replace("+", "%2B"), StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.length > maxBytes) throw tooLarge(maxBytes);
    return bytes;
  }

  // ---------------------------------------------------------------- HTTP plumbing

  Request.Builder get(String url) {
    return new Request.Builder().url(url).get();
  }

  Request.Builder post(String url, JsonNode body) {
    return new Request.Builder().url(url).post(RequestBody.create(body.toString(), JSON));
  }

  Response execute(Request request) throws IOException {
    return execute(http, request);
  }

  private Response execute(OkHttpClient client, Request request) throws IOException {
    return client.newCall(request).execute();
  }

  Call newCall(Request request, Duration timeout) {
    return http.newBuilder()
        .callTimeout(timeout)
        .readTimeout(Duration.ZERO)
        .build()
        .newCall(request);
  }

  EventSource openSse(Request request, EventSourceListener listener) {
    return EventSources.createFactory(streams).newEventSource(request, listener);
  }

  WebSocket openWebSocket(Request request, WebSocketListener listener) {
    return streams.newWebSocket(request, listener);
  }

  /** Fire-and-forget POST (cancel, reset); failures only logged. */
  void postQuietly(String url, ObjectNode body) {
    try (Response r = execute(post(url, body).build())) {
      log.debug("POST {} answered HTTP {}", url, r.code());
    } catch (IOException e) {
      log.debug("POST {} failed", url, e);
    }
  }

  /** The failure for an HTTP error answer; {@code text} goes to DEBUG logs only. */
  GradioException httpFailure(Response r, String text, String what) {
    int code = r.code();
    String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
    boolean hasCreds =
        settings.username() != null
            || (settings.hfToken() != null && !settings.hfToken().isBlank());
    switch (code) {
      case 503:
        if (lower.contains("queue is full")) {
          return Failures.exception(
              FailureCode.QUEUE_FULL, "The app's queue is full. Try again later.");
        }
        if (lower.contains("queue is stopped")) {
          return Failures.exception(
              FailureCode.QUEUE_STOPPED, "The app's queue is stopped by its owner.");
        }
        return Failures.exception(
            FailureCode.CONNECTION_LOST, "The app is unavailable right now (HTTP 503).");
      case 422:
        return Failures.exception(FailureCode.INPUT_REJECTED, inputRejected(text));
      case 401:
      case 403:
        return Failures.exception(
            hasCreds ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
            hasCreds ? "The app refused the credentials." : "The app needs a login or a token.");
      case 404:
        return Failures.exception(
            FailureCode.ENDPOINT_NOT_FOUND,
            "The app has no such endpoint (HTTP 404 on " + what + ").");
      case 429:
        return new GradioException(
            new Failure(
                FailureCode.RATE_LIMITED,
                "Too many requests; the app asks to slow down.",
                Failures.retryAfterHeader(r.header("Retry-After"))));
      case 500:
        return Failures.exception(
            FailureCode.APP_ERROR, "The app failed to handle the request (HTTP 500).");
      default:
        return Failures.exception(
            code >= 500 ? FailureCode.CONNECTION_LOST : FailureCode.PROTOCOL_ERROR,
            "The app answered HTTP " + code + " to the " + what + " request.");
    }
  }

  private static String inputRejected(String text) {
    try {
      JsonNode detail = Json.parse(text).path("detail");
      if (detail.isArray()) {
        for (JsonNode d : detail) {
          if ("validate".equals(Json.text(d, "__type__")) && !d.path("is_valid").asBoolean(true)) {
            String message = Failures.stripHtml(Json.text(d, "message"));
            String param = Json.text(d, "parameter_name");
            if (!message.isEmpty()) {
              return "The app rejected the input"
                  + (param == null ? "" : " for " + param)
                  + ": "
                  + message;
            }
          }
        }
      }
    } catch (IOException e) {
      log.debug("422 body is not JSON");
    }
    return "The app rejected the input.";
  }

  // ---------------------------------------------------------------- threads and lifecycle

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Executor callbackExecutor() {
    return callbackExecutor;
  }

  void worker(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("client closed; task dropped");
    }
  }

  /** Requests (and websocket connections) made so far. */
  public long requestCount() {
    return requests.get();
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 120) return s + " s";
    if (s < 7200) return (s / 60) + " min";
    return (s / 3600) + " h";
  }

  private static String stripSlash(String s) {
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
    scheduler.shutdownNow();
    worker.shutdownNow();
    if (ownedCallbacks != null) ownedCallbacks.shutdown();
    if (settings.httpClient() == null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
