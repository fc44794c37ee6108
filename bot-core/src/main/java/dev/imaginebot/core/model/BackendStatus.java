package dev.imaginebot.core.model;

import java.time.Instant;

/**
 * A backend's (or model's) health.
 *
 * @param kind what state it is in
 * @param reason why it is degraded, else null
 * @param until when a cool-down ends, else null
 */
public record BackendStatus(Kind kind, String reason, Instant until) {
  /** The states. */
  public enum Kind {
    OK,
    DEGRADED,
    COOLING,
    UNKNOWN
  }

  public static BackendStatus ok() {
    return new BackendStatus(Kind.OK, null, null);
  }

  public static BackendStatus unknown() {
    return new BackendStatus(Kind.UNKNOWN, null, null);
  }

  public static BackendStatus degraded(String reason) {
    return new BackendStatus(Kind.DEGRADED, reason, null);
  }

  public static BackendStatus cooling(Instant until) {
    return new BackendStatus(Kind.COOLING, null, until);
  }
}
