package dev.imaginebot.core.model;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One Space behind a model, with its discovered mapping and health. Thread-safe. Identity matters:
 * the registry keeps the same instance while the model's configuration is unchanged.
 */
public final class Backend {
  private static final Duration BASE_BACKOFF = Duration.ofSeconds(30);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(15);

  /** The longest cool-down a Space's own hint may set: a bad hint must not switch it off. */
  public static final Duration MAX_COOL_DOWN = Duration.ofHours(1);

  private final String model;
  private final int index;
  private final BackendConfig config;
  private SpaceMapping mapping;
  private String problem;
  private BackendStatus.Cause cause;
  private SpaceFailure readFailure;
  private Instant coolUntil;
  private int failures;
  private boolean checked;

  Backend(String model, int index, BackendConfig config) {
    this.model = Objects.requireNonNull(model, "model == null");
    this.index = index;
    this.config = Objects.requireNonNull(config, "config == null");
  }

  public String model() {
    return model;
  }

  /** 0 for the preferred backend, then 1, 2... for fallbacks. */
  public int index() {
    return index;
  }

  public BackendConfig config() {
    return config;
  }

  /** The Space id or URL. */
  public String space() {
    return config.space();
  }

  /** How many jobs may run on it at once (at least 1). */
  public int concurrency() {
    return Math.max(1, config.concurrency());
  }

  /** The mapping from the last successful check, or null when not checked yet. */
  public synchronized SpaceMapping mapping() {
    return mapping;
  }

  /** The health at {@code now}. */
  public synchronized BackendStatus status(Instant now) {
    if (problem != null) return BackendStatus.degraded(cause, problem);
    if (coolUntil != null && coolUntil.isAfter(now)) return BackendStatus.cooling(coolUntil);
    if (!checked) return BackendStatus.unknown();
    return BackendStatus.ok();
  }

  /** Whether a job may be sent to it now (not degraded, not cooling down). */
  public synchronized boolean usable(Instant now) {
    return problem == null && (coolUntil == null || !coolUntil.isAfter(now));
  }

  /**
   * Why the last read of the Space's API failed (unreachable, timed out, ...), or null when it
   * succeeded or none failed yet.
   */
  public synchronized SpaceFailure readFailure() {
    return readFailure;
  }

  synchronized void readFailed(SpaceFailure failure) {
    readFailure = failure;
  }

  synchronized void checked(Onboarding.Result result) {
    checked = true;
    readFailure = null;
    if (result.ok()) {
      mapping = result.mapping();
      problem = null;
      cause = null;
    } else {
      // The status keeps English: it is the log's and the admin's (/inspect) view of the backend.
      problem = result.problem().text();
      cause =
          result.problem().kind() == Onboarding.Problem.Kind.ENDPOINT_GONE
              ? BackendStatus.Cause.ENDPOINT_GONE
              : BackendStatus.Cause.NO_IMAGE_ENDPOINT;
    }
  }

  synchronized void degrade(BackendStatus.Cause cause, String reason) {
    checked = true;
    this.cause = cause;
    problem = reason;
  }

  /**
   * Cools the backend down after a failure: for {@code retryAfter} if the Space gave one (at most
   * {@link #MAX_COOL_DOWN}), else an exponential backoff. Returns the end of the cool-down.
   */
  public synchronized Instant coolDown(Instant now, Duration retryAfter) {
    failures++;
    Duration wait = retryAfter == null ? null : capped(retryAfter);
    if (wait == null) {
      long factor = 1L << Math.min(10, failures - 1);
      wait = BASE_BACKOFF.multipliedBy(factor);
      if (wait.compareTo(MAX_BACKOFF) > 0) wait = MAX_BACKOFF;
    }
    coolUntil = now.plus(wait);
    return coolUntil;
  }

  /** A Space-supplied wait within zero and {@link #MAX_COOL_DOWN}. */
  public static Duration capped(Duration hint) {
    if (hint.isNegative()) return Duration.ZERO;
    return hint.compareTo(MAX_COOL_DOWN) > 0 ? MAX_COOL_DOWN : hint;
  }

  /** Resets the backoff after a success. */
  public synchronized void succeeded() {
    failures = 0;
    coolUntil = null;
  }

  @Override
  public String toString() {
    return model + "#" + index + "(" + config.space() + ")";
  }
}
