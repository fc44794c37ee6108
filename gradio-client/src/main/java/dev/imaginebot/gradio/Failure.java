package dev.imaginebot.gradio;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
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
 * @param unreachable for an {@link FailureCode#UNREACHABLE} failure, why the app could not be
 *     reached, when that is known; always empty for other codes
 */
public record Failure(
    FailureCode code,
    String message,
    Optional<Duration> retryAfter,
    Optional<Unreachable> unreachable) {
  public Failure {
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(message, "message == null");
    Objects.requireNonNull(retryAfter, "retryAfter == null");
    Objects.requireNonNull(unreachable, "unreachable == null");
    if (unreachable.isPresent() && code != FailureCode.UNREACHABLE) {
      throw new IllegalArgumentException("unreachable reason on a " + code + " failure");
    }
  }

  /** A failure that says nothing about reachability. */
  public Failure(FailureCode code, String message, Optional<Duration> retryAfter) {
    this(code, message, retryAfter, Optional.empty());
  }

  /** A failure without a retry hint. */
  public static Failure of(FailureCode code, String message) {
    return new Failure(code, message, Optional.empty());
  }

  /** This failure with {@code why} as its reason; only for {@link FailureCode#UNREACHABLE}. */
  public Failure withUnreachable(Unreachable why) {
    return new Failure(code, message, retryAfter, Optional.of(why));
  }

  /** Why an app could not be reached at all. */
  public enum Unreachable {
    /** Its host name did not resolve. */
    NAME_NOT_RESOLVED(FailureCode.UNREACHABLE_DNS),
    /** The connection was refused (or there was no route to the host). */
    REFUSED(FailureCode.UNREACHABLE_REFUSED),
    /** The connection timed out. */
    TIMED_OUT(FailureCode.UNREACHABLE_TIMEOUT);

    private final String phrase;

    Unreachable(String phrase) {
      this.phrase = phrase;
    }

    /** The words a failure message uses for this reason, as in {@link FailureCode}. */
    public String phrase() {
      return phrase;
    }

    /**
     * The reason an I/O failure (or one in its cause chain) says a host was not reached, or null
     * when it says none of these.
     */
    public static Unreachable of(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof UnknownHostException) return NAME_NOT_RESOLVED;
        if (t instanceof ConnectException || t instanceof NoRouteToHostException) return REFUSED;
        // A SocketTimeoutException is an InterruptedIOException; both mean the wait ran out.
        if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
          return TIMED_OUT;
        }
      }
      return null;
    }
  }
}
