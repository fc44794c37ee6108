package dev.imaginebot.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The YAML file as written, before validation: every field may be null (meaning "not given, use the
 * default"). Keys are kebab-case ({@code data-dir}, {@code per-user-running}). {@link ConfigLoader}
 * turns this into {@link AppSettings}.
 */
record AppConfig(
    String language,
    String dataDir,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    List<String> admins,
    Discord discord,
    Telegram telegram,
    HuggingFace huggingFace,
    String defaultModel,
    List<Model> models,
    Limits limits,
    Timeouts timeouts,
    Duration progressInterval,
    Http http,
    Logging logging,
    Spaces spaces,
    String instanceId) {

  /**
   * Which hosts besides Space ids, {@code https://*.hf.space} and the Hub the bot may reach (for
   * self-hosted Gradio apps): URLs, {@code host:port}, hosts or {@code *.domain}.
   */
  record Spaces(List<String> allow) {}

  /**
   * Discord front-end. {@code enabled} null means "on when the token resolves". {@code shards} is
   * the total shard count or {@code auto}; {@code shardTotal} the same total when the shards are
   * split among instances, each running {@code shardIds} ({@code 0-3}, {@code 0,2,4}).
   */
  record Discord(
      Boolean enabled,
      String token,
      String guildId,
      String restUrl,
      String gatewayUrl,
      String shards,
      String shardIds,
      Integer shardTotal) {}

  /**
   * Telegram front-end. {@code enabled} null means "on when the token resolves"; {@code apiUrl}
   * points at another Bot API server (a local one), null for Telegram's own; {@code webhook} with a
   * {@code url} switches from long polling to a webhook.
   */
  record Telegram(Boolean enabled, String token, String apiUrl, TelegramWebhook webhook) {}

  /**
   * Telegram webhook: the public https {@code url} Telegram calls (empty: long polling), the local
   * {@code port} the bot listens on, and the {@code secret} reference ({@code ${VAR}} or {@code
   * file:path}) Telegram sends with every call.
   */
  record TelegramWebhook(String url, Integer port, String secret) {}

  /** Hugging Face access: an optional token and the Hub's base URL. */
  record HuggingFace(String token, String hubUrl) {}

  /** A model: an alias, a display name, and either one {@code space} or a list of backends. */
  record Model(String alias, String name, String space, List<Backend> backends) {}

  /** One Space behind a model. */
  record Backend(
      String space,
      String endpoint,
      Map<String, Object> fixed,
      Map<String, String> renames,
      Integer concurrency) {}

  /** Caps and sizes. */
  record Limits(
      Integer perUserRunning,
      Integer perUserWaiting,
      Integer perBackend,
      Integer globalRunning,
      Integer maxPromptLength,
      ByteSize maxImageBytes) {}

  /** Deadlines. */
  record Timeouts(
      Duration job,
      Duration heartbeat,
      Duration wake,
      Duration driftCheck,
      Duration shutdown,
      Duration jobLease) {}

  /** The optional health and metrics endpoint; {@code port} null or 0 turns it off. */
  record Http(Integer port, String bind) {}

  /** Log format and level. */
  record Logging(Boolean json, String level) {}

  /**
   * A byte count written as a number or with a unit ({@code 25MiB}, {@code 10MB}, {@code 512k}).
   */
  record ByteSize(long bytes) {}
}
