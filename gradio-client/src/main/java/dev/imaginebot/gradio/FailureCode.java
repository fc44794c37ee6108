package dev.imaginebot.gradio;

/**
 * Stable codes for the ways a Gradio call can fail. The names are part of the public API: callers
 * map them to their own wording and decide on retries and failover by them.
 */
public enum FailureCode {
  /** ZeroGPU (or similar) quota exhausted; {@link Failure#retryAfter()} may say when to retry. */
  QUOTA_EXCEEDED,
  /** The app's queue is at its maximum size. */
  QUEUE_FULL,
  /** The app's queue was stopped by its owner. */
  QUEUE_STOPPED,
  /** HTTP 429 from the Hub or the Space proxy. */
  RATE_LIMITED,
  /** The app rejected the input (HTTP 422, or a validator). */
  INPUT_REJECTED,
  /** The app needs a login or a token that was not given. */
  AUTH_REQUIRED,
  /** The credentials or token given were refused. */
  AUTH_DENIED,
  /** No such Space or app. */
  SPACE_NOT_FOUND,
  /**
   * The {@link HostPolicy} does not allow the app's host, an address it resolves to, or a redirect
   * it answered with; no request was sent there.
   */
  HOST_REFUSED,
  /** The Space exists but is paused, failed to build, or crashed. */
  SPACE_NOT_RUNNING,
  /** No endpoint with that name; the message lists the valid ones. */
  ENDPOINT_NOT_FOUND,
  /** The app's function raised; the message is the app's own text, HTML stripped. */
  APP_ERROR,
  /** No heartbeat within the liveness timeout, or the total deadline passed. */
  TIMEOUT,
  /** The connection or the event stream was lost while the job was pending. */
  CONNECTION_LOST,
  /**
   * The app could not be reached at all when connecting: its host name did not resolve, the
   * connection was refused, or it timed out. The message says which, in the stable words of {@link
   * #UNREACHABLE_DNS}, {@link #UNREACHABLE_REFUSED} or {@link #UNREACHABLE_TIMEOUT}.
   */
  UNREACHABLE,
  /** A file was refused: from a host that is not allowed, or larger than the cap. */
  FILE_REJECTED,
  /** The app answered something this client cannot understand. */
  PROTOCOL_ERROR,
  /** The job was cancelled by the caller (or by the app's own cancel event). */
  CANCELLED;

  /** In an {@link #UNREACHABLE} message: the host name did not resolve. */
  public static final String UNREACHABLE_DNS = "its host name did not resolve";

  /** In an {@link #UNREACHABLE} message: the connection was refused. */
  public static final String UNREACHABLE_REFUSED = "the connection was refused";

  /** In an {@link #UNREACHABLE} message: the connection timed out. */
  public static final String UNREACHABLE_TIMEOUT = "the connection timed out";
}
