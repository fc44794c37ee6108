package dev.imaginebot.core.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a call on a Space (or a read of its API, or a download) failed, as a value.
 *
 * @param kind what went wrong, as the engine decides on it
 * @param detail a short explanation, safe to show (the Space's own words for {@link
 *     Kind#INPUT_REJECTED} and {@link Kind#APP_ERROR})
 * @param retryAfter when the Space hinted at one (a quota reset, {@code Retry-After}), the wait
 * @param unreachable for {@link Kind#UNREACHABLE}, why, when that is known; otherwise empty
 */
public record SpaceFailure(
    Kind kind, String detail, Optional<Duration> retryAfter, Optional<Unreachable> unreachable) {
  public SpaceFailure {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(detail, "detail == null");
    Objects.requireNonNull(retryAfter, "retryAfter == null");
    Objects.requireNonNull(unreachable, "unreachable == null");
    if (unreachable.isPresent() && kind != Kind.UNREACHABLE) {
      throw new IllegalArgumentException("unreachable reason on a " + kind + " failure");
    }
  }

  /** A failure of {@code kind} with no retry hint. */
  public static SpaceFailure of(Kind kind, String detail) {
    return new SpaceFailure(kind, detail, Optional.empty(), Optional.empty());
  }

  /** An {@link Kind#UNREACHABLE} failure, for {@code why} (null when not known). */
  public static SpaceFailure unreachable(Unreachable why, String detail) {
    return new SpaceFailure(Kind.UNREACHABLE, detail, Optional.empty(), Optional.ofNullable(why));
  }

  /**
   * Stable kinds of failure: one for each way the engine treats a failed attempt (try another
   * backend, end the job, show the Space's words) and the user's wording of it.
   */
  public enum Kind {
    /** The Space's GPU quota is used up; {@link #retryAfter()} may say until when. */
    QUOTA_EXCEEDED,
    /** The Space's queue is full. */
    QUEUE_FULL,
    /** Too many requests (HTTP 429 from the Hub or the Space). */
    RATE_LIMITED,
    /** The Space answered nothing in time, or the call's deadline passed. */
    TIMEOUT,
    /** The Space could not be reached at all: see {@link #unreachable()}. */
    UNREACHABLE,
    /**
     * The Space is not there to serve: not found, paused, crashed, its queue stopped, it needs a
     * login or refused the token, or the configuration no longer allows its host.
     */
    SPACE_DOWN,
    /** The connection or event stream broke while the call was on the Space. */
    CONNECTION_LOST,
    /** The Space said something the client cannot understand. */
    PROTOCOL_ERROR,
    /** The endpoint the mapping calls is gone: the Space's API changed. */
    ENDPOINT_MISSING,
    /** The Space rejected the input (its validator, HTTP 422); the detail is its words. */
    INPUT_REJECTED,
    /** The Space's own function raised; the detail is its words. */
    APP_ERROR,
    /** An output file was refused: from a host not allowed, or too large. */
    FILE_REJECTED
  }

  /** Why a Space could not be reached. */
  public enum Unreachable {
    /** Its host name did not resolve. */
    NAME_NOT_RESOLVED,
    /** The connection was refused. */
    REFUSED,
    /** The connection timed out. */
    TIMED_OUT
  }
}
