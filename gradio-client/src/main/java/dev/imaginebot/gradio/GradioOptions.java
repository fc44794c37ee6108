package dev.imaginebot.gradio;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import okhttp3.OkHttpClient;

/**
 * Settings for {@link GradioClient#connect}. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: Hub at {@code https://huggingface.co}, no token, no login, callbacks on a single
 * daemon thread per client, lenient argument mapping, 60 s liveness timeout, 10 min total deadline,
 * 5 min to wake a sleeping Space, 25 MiB download cap, downloads only from the app's own origin,
 * restart check after 5 min without a job, {@link HostPolicy#open()}, 2 min to download a file.
 */
public final class GradioOptions {
  final String hubUrl;
  final String hfToken;
  final String username;
  final String password;
  final Executor callbackExecutor;
  final OkHttpClient httpClient;
  final boolean strictArguments;
  final Duration heartbeatTimeout;
  final Duration deadline;
  final Duration wakeTimeout;
  final long maxDownloadBytes;
  final Set<String> allowedFileHosts;
  final Duration idleRevalidation;
  final HostPolicy hostPolicy;
  final Duration downloadTimeout;

  private GradioOptions(Builder b) {
    this.hubUrl = b.hubUrl;
    this.hfToken = b.hfToken;
    this.username = b.username;
    this.password = b.password;
    this.callbackExecutor = b.callbackExecutor;
    this.httpClient = b.httpClient;
    this.strictArguments = b.strictArguments;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.deadline = b.deadline;
    this.wakeTimeout = b.wakeTimeout;
    this.maxDownloadBytes = b.maxDownloadBytes;
    this.allowedFileHosts = Set.copyOf(b.allowedFileHosts);
    this.idleRevalidation = b.idleRevalidation;
    this.hostPolicy = b.hostPolicy;
    this.downloadTimeout = b.downloadTimeout;
  }

  /** The defaults listed above. */
  public static GradioOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hubUrl = hubUrl;
    b.hfToken = hfToken;
    b.username = username;
    b.password = password;
    b.callbackExecutor = callbackExecutor;
    b.httpClient = httpClient;
    b.strictArguments = strictArguments;
    b.heartbeatTimeout = heartbeatTimeout;
    b.deadline = deadline;
    b.wakeTimeout = wakeTimeout;
    b.maxDownloadBytes = maxDownloadBytes;
    b.allowedFileHosts = allowedFileHosts;
    b.idleRevalidation = idleRevalidation;
    b.hostPolicy = hostPolicy;
    b.downloadTimeout = downloadTimeout;
    return b;
  }

  /** How long a job may take from submission to its terminal event. */
  public Duration deadline() {
    return deadline;
  }

  /** The download cap in bytes. */
  public long maxDownloadBytes() {
    return maxDownloadBytes;
  }

  /** Which hosts the client may reach. */
  public HostPolicy hostPolicy() {
    return hostPolicy;
  }

  /** Builder for {@link GradioOptions}. */
  public static final class Builder {
    private String hubUrl = "https://huggingface.co";
    private String hfToken;
    private String username;
    private String password;
    private Executor callbackExecutor;
    private OkHttpClient httpClient;
    private boolean strictArguments;
    private Duration heartbeatTimeout = Duration.ofSeconds(60);
    private Duration deadline = Duration.ofMinutes(10);
    private Duration wakeTimeout = Duration.ofMinutes(5);
    private long maxDownloadBytes = 25L * 1024 * 1024;
    private Set<String> allowedFileHosts = Set.of();
    private Duration idleRevalidation = Duration.ofMinutes(5);
    private HostPolicy hostPolicy = HostPolicy.open();
    private Duration downloadTimeout = Duration.ofMinutes(2);

    private Builder() {}

    /** Base URL of the Hugging Face Hub API, for resolving {@code owner/name} (tests: loopback). */
    public Builder hubUrl(String hubUrl) {
      this.hubUrl = Objects.requireNonNull(hubUrl, "hubUrl == null");
      return this;
    }

    /** A Hugging Face token, or null. Never logged. */
    public Builder hfToken(String hfToken) {
      this.hfToken = hfToken;
      return this;
    }

    /** Credentials for a password-protected app. */
    public Builder login(String username, String password) {
      this.username = Objects.requireNonNull(username, "username == null");
      this.password = Objects.requireNonNull(password, "password == null");
      return this;
    }

    /** Where listeners are called; default is one daemon thread per client. */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /** A shared OkHttp client to derive this client's from (connection pool, dispatcher). */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
      return this;
    }

    /** Strict: unknown argument names fail before any request. Lenient (default): dropped. */
    public Builder strictArguments(boolean strict) {
      this.strictArguments = strict;
      return this;
    }

    /** A job fails with TIMEOUT when the stream is silent (no heartbeat) for this long. */
    public Builder heartbeatTimeout(Duration timeout) {
      this.heartbeatTimeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /** A job fails with TIMEOUT when it has not finished this long after submission. */
    public Builder deadline(Duration deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline == null");
      return this;
    }

    /** How long to wait for a sleeping or building Space to start. */
    public Builder wakeTimeout(Duration timeout) {
      this.wakeTimeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /** The largest file a download may return. */
    public Builder maxDownloadBytes(long max) {
      if (max <= 0) throw new IllegalArgumentException("max <= 0");
      this.maxDownloadBytes = max;
      return this;
    }

    /** Extra hosts files may be downloaded from, besides the app's own origin. */
    public Builder allowedFileHosts(Set<String> hosts) {
      this.allowedFileHosts = Set.copyOf(hosts);
      return this;
    }

    /**
     * After this long without a submitted job, the next job first asks the app for its {@code
     * app_id} (Gradio 4.40+) and re-reads config and API when the app has restarted. Zero turns the
     * check off.
     */
    public Builder idleRevalidation(Duration idle) {
      Objects.requireNonNull(idle, "idle == null");
      if (idle.isNegative()) throw new IllegalArgumentException("idle < 0");
      this.idleRevalidation = idle;
      return this;
    }

    /**
     * Which hosts the client may reach: the app, every request and redirect hop, every resolved
     * address. A refused app fails {@code connect} with {@link FailureCode#HOST_REFUSED} before any
     * request.
     */
    public Builder hostPolicy(HostPolicy policy) {
      this.hostPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** How long one file download may take in all, redirects included. */
    public Builder downloadTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero())
        throw new IllegalArgumentException("timeout <= 0");
      this.downloadTimeout = timeout;
      return this;
    }

    /** The immutable options. */
    public GradioOptions build() {
      return new GradioOptions(this);
    }
  }
}
