package dev.imaginebot.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the core needs, already validated by whoever read it (bot-app reads YAML). The core
 * never reads files, environment variables or system properties itself.
 *
 * @param dataDir where the database (by default) and the image store live
 * @param jdbcUrl JDBC URL, or null for an H2 file database in {@code dataDir}
 * @param models the configured models, in display order (admins can add more at run time)
 * @param defaultModel the global default model alias (admins can change it at run time)
 * @param admins bot admins as user keys ({@code "discord:1234"}, {@code "telegram:42"})
 * @param limits caps and sizes
 * @param progressInterval at most one progress update per job per this interval
 * @param defaultLanguage {@code "en"} or {@code "zh-CN"}, for users whose platform gives none
 * @param gradio how Spaces are reached
 * @param instanceId this instance's name among the instances sharing one database (letters, digits,
 *     {@code .-_}); its jobs' leases are held under it, so two running instances must never share
 *     one. Null picks {@link #DEFAULT_INSTANCE}.
 * @param jobLease how long a job started by this instance stays its own without a renewal (renewed
 *     every third of it); when the instance dies, another takes its jobs over this long after the
 *     last renewal. Null picks {@link #DEFAULT_JOB_LEASE}.
 */
public record CoreConfig(
    Path dataDir,
    String jdbcUrl,
    List<ModelConfig> models,
    String defaultModel,
    Set<String> admins,
    Limits limits,
    Duration progressInterval,
    String defaultLanguage,
    GradioSettings gradio,
    String instanceId,
    Duration jobLease) {
  /** The instance id of a bot that runs as one process. */
  public static final String DEFAULT_INSTANCE = "bot";

  /** How long a job's lease lasts unless configured. */
  public static final Duration DEFAULT_JOB_LEASE = Duration.ofSeconds(30);

  public CoreConfig {
    Objects.requireNonNull(dataDir, "dataDir == null");
    models = List.copyOf(models);
    Objects.requireNonNull(defaultModel, "defaultModel == null");
    admins = Set.copyOf(admins);
    Objects.requireNonNull(limits, "limits == null");
    Objects.requireNonNull(progressInterval, "progressInterval == null");
    Objects.requireNonNull(defaultLanguage, "defaultLanguage == null");
    Objects.requireNonNull(gradio, "gradio == null");
    if (instanceId == null || instanceId.isBlank()) instanceId = DEFAULT_INSTANCE;
    if (!instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException("instanceId must be 1 to 100 of [A-Za-z0-9._-]");
    }
    if (jobLease == null) jobLease = DEFAULT_JOB_LEASE;
    if (jobLease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("jobLease under one second: " + jobLease);
    }
  }

  /** A configuration with the default instance id (one process). */
  public CoreConfig(
      Path dataDir,
      String jdbcUrl,
      List<ModelConfig> models,
      String defaultModel,
      Set<String> admins,
      Limits limits,
      Duration progressInterval,
      String defaultLanguage,
      GradioSettings gradio) {
    this(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        DEFAULT_INSTANCE,
        DEFAULT_JOB_LEASE);
  }

  /** This configuration with another {@code jobLease}, everything else the same. */
  public CoreConfig withJobLease(Duration jobLease) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code instanceId}, everything else the same. */
  public CoreConfig withInstanceId(String instanceId) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code dataDir}, everything else the same. */
  public CoreConfig withDataDir(Path dataDir) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code jdbcUrl}, everything else the same. */
  public CoreConfig withJdbcUrl(String jdbcUrl) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code models}, everything else the same. */
  public CoreConfig withModels(List<ModelConfig> models) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code defaultModel}, everything else the same. */
  public CoreConfig withDefaultModel(String defaultModel) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code admins}, everything else the same. */
  public CoreConfig withAdmins(Set<String> admins) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code limits}, everything else the same. */
  public CoreConfig withLimits(Limits limits) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code progressInterval}, everything else the same. */
  public CoreConfig withProgressInterval(Duration progressInterval) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code defaultLanguage}, everything else the same. */
  public CoreConfig withDefaultLanguage(String defaultLanguage) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /** This configuration with another {@code gradio}, everything else the same. */
  public CoreConfig withGradio(GradioSettings gradio) {
    return new CoreConfig(
        dataDir,
        jdbcUrl,
        models,
        defaultModel,
        admins,
        limits,
        progressInterval,
        defaultLanguage,
        gradio,
        instanceId,
        jobLease);
  }

  /**
   * One model users can name.
   *
   * @param alias what users type ({@code flux}); lower case, no spaces
   * @param displayName what users see ({@code FLUX.1 [schnell]})
   * @param backends Spaces to try in order: the first is preferred, the rest are fallbacks
   */
  public record ModelConfig(String alias, String displayName, List<BackendConfig> backends) {
    public ModelConfig {
      Objects.requireNonNull(alias, "alias == null");
      Objects.requireNonNull(displayName, "displayName == null");
      backends = List.copyOf(backends);
    }
  }

  /**
   * One Space behind a model.
   *
   * @param space a Space id ({@code owner/name}) or URL
   * @param endpoint the endpoint to call ({@code /infer}), or null to discover it
   * @param fixed parameter values always sent (by the Space's own parameter names)
   * @param renames canonical parameter name ({@code steps}) to the Space's name, where discovery
   *     would guess wrong
   * @param concurrency how many jobs may run on this backend at once
   */
  public record BackendConfig(
      String space,
      String endpoint,
      Map<String, Object> fixed,
      Map<String, String> renames,
      int concurrency) {
    public BackendConfig {
      Objects.requireNonNull(space, "space == null");
      fixed = Map.copyOf(fixed);
      renames = Map.copyOf(renames);
    }

    /** A backend that discovers everything from the Space's API. */
    public static BackendConfig discover(String space) {
      return new BackendConfig(space, null, Map.of(), Map.of(), 2);
    }
  }

  /**
   * Caps and sizes.
   *
   * @param perUserRunning jobs one user may have running at once
   * @param perUserWaiting jobs one user may have waiting at once
   * @param globalRunning jobs running at once across all users
   * @param maxPromptLength longest prompt accepted, in characters
   * @param maxImageBytes largest image downloaded from a Space
   */
  public record Limits(
      int perUserRunning,
      int perUserWaiting,
      int globalRunning,
      int maxPromptLength,
      long maxImageBytes) {
    public static Limits defaults() {
      return new Limits(1, 5, 8, 1000, 25L * 1024 * 1024);
    }
  }

  /**
   * How Spaces are reached.
   *
   * @param hfToken a Hugging Face token, or null
   * @param hubUrl the Hub API base URL
   * @param jobTimeout total deadline for one job on one backend
   * @param heartbeatTimeout how long a silent event stream is tolerated
   * @param wakeTimeout how long to wait for a sleeping Space
   * @param driftCheckInterval how often Space APIs are re-read
   * @param allowedHosts hosts or URLs the bot may reach besides Space ids, {@code
   *     https://*.hf.space} and the Hub (the Spaces of configured models are always allowed); see
   *     {@code dev.imaginebot.gradio.HostPolicy#allowing}
   */
  public record GradioSettings(
      String hfToken,
      String hubUrl,
      Duration jobTimeout,
      Duration heartbeatTimeout,
      Duration wakeTimeout,
      Duration driftCheckInterval,
      List<String> allowedHosts) {
    public GradioSettings {
      allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }

    /** Settings that allow no host beyond the defaults and the configured models. */
    public GradioSettings(
        String hfToken,
        String hubUrl,
        Duration jobTimeout,
        Duration heartbeatTimeout,
        Duration wakeTimeout,
        Duration driftCheckInterval) {
      this(
          hfToken,
          hubUrl,
          jobTimeout,
          heartbeatTimeout,
          wakeTimeout,
          driftCheckInterval,
          List.of());
    }

    /** These settings, allowing {@code hosts} instead. */
    public GradioSettings withAllowedHosts(List<String> hosts) {
      return new GradioSettings(
          hfToken, hubUrl, jobTimeout, heartbeatTimeout, wakeTimeout, driftCheckInterval, hosts);
    }

    public static GradioSettings defaults() {
      return new GradioSettings(
          null,
          "https://huggingface.co",
          Duration.ofMinutes(5),
          Duration.ofSeconds(60),
          Duration.ofMinutes(3),
          Duration.ofHours(6));
    }

    @Override
    public String toString() {
      // Never print the token.
      return "GradioSettings[hfToken="
          + (hfToken == null ? "none" : "***")
          + ", hubUrl="
          + hubUrl
          + ", jobTimeout="
          + jobTimeout
          + ", heartbeatTimeout="
          + heartbeatTimeout
          + ", wakeTimeout="
          + wakeTimeout
          + ", driftCheckInterval="
          + driftCheckInterval
          + ", allowedHosts="
          + allowedHosts
          + "]";
    }
  }
}
