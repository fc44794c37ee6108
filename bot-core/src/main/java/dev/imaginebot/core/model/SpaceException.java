package dev.imaginebot.core.model;

import java.util.Objects;

/** Thrown by {@link SpaceGateway#download} when a file cannot be had; carries the failure. */
public final class SpaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient SpaceFailure failure;

  public SpaceException(SpaceFailure failure) {
    super(Objects.requireNonNull(failure, "failure == null").kind() + ": " + failure.detail());
    this.failure = failure;
  }

  /** Why, as a value. */
  public SpaceFailure failure() {
    return failure;
  }
}
