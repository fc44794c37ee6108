package dev.imaginebot.gradio;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a call failed, as a value.
 *
 * @param code stable code
 * @param message a short, human-readable explanation, safe to show to an end user (never a raw
 *     payload or HTML)
 * @param retryAfter when the server hinted at one (quota reset, {@code Retry-After}), the wait
 */
public record Failure(FailureCode code, String message, Optional<Duration> retryAfter) {
  public Failure {
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(message, "message == null");
    Objects.requireNonNull(retryAfter, "retryAfter == null");
  }

  /** A failure without a retry hint. */
  public static Failure of(FailureCode code, String message) {
    return new Failure(code, message, Optional.empty());
  }
}
