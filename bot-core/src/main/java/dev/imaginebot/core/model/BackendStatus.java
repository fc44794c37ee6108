package dev.imaginebot.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A backend's (or model's) health.
 *
 * @param kind what state it is in
 * @param cause why it is degraded, else null; what users are told, in their language
 * @param reason why it is degraded in English, for the log and the admin's view, else null
 * @param until when a cool-down ends, else null
 */
public record BackendStatus(Kind kind, Cause cause, String reason, Instant until) {
  /** The states. */
  public enum Kind {
    OK,
    DEGRADED,
    COOLING,
    UNKNOWN
  }

  /**
   * Why a backend is out of order, as a stable code; each has a message {@link #messageKey()} in
   * every bundle, so users read it in their language without the internal detail.
   */
  public enum Cause {
    /** The Space does not exist (any more). */
    SPACE_NOT_FOUND,
    /** The configuration no longer allows the Space's host. */
    HOST_NOT_ALLOWED,
    /** The configured endpoint is gone from the Space's API. */
    ENDPOINT_GONE,
    /** No endpoint takes a text prompt and returns images. */
    NO_IMAGE_ENDPOINT,
    /** A job found the endpoint missing while the Space ran it. */
    ENDPOINT_MISSING,
    /** The model has no backends at all. */
    NO_BACKENDS;

    /** The bundle key that words it for users (no arguments). */
    public String messageKey() {
      return "degraded." + name();
    }
  }

  public static BackendStatus ok() {
    return new BackendStatus(Kind.OK, null, null, null);
  }

  public static BackendStatus unknown() {
    return new BackendStatus(Kind.UNKNOWN, null, null, null);
  }

  /** Degraded for {@code cause}; {@code reason} is the English detail for logs and admins. */
  public static BackendStatus degraded(Cause cause, String reason) {
    Objects.requireNonNull(cause, "cause == null");
    return new BackendStatus(Kind.DEGRADED, cause, reason, null);
  }

  public static BackendStatus cooling(Instant until) {
    return new BackendStatus(Kind.COOLING, null, null, until);
  }
}
