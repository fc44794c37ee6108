package dev.imaginebot.core.engine;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.gradio.FailureCode;

/**
 * What one failed attempt on a backend means for the job: try the model's next backend (the Space
 * is out of quota, down, full or too slow: not the user's fault), or end the job (the user's input,
 * or the app's own answer, which another copy of the Space would repeat).
 *
 * <p>Both switches are exhaustive with no default, so a new {@link FailureCode} fails to compile
 * until someone decides what it means, instead of silently becoming "Space down".
 */
final class FailoverPolicy {
  private FailoverPolicy() {}

  /**
   * How the engine handles a failed attempt.
   *
   * @param failover whether the job moves to the model's next backend, cooling this one down
   * @param code the user's code when the job ends with this failure
   * @param showMessage whether the Space's own message is the user's to read (their input, the
   *     app's own error text)
   * @param recheckApi whether the Space's API may have changed under the mapping
   */
  record Decision(boolean failover, ErrorCode code, boolean showMessage, boolean recheckApi) {}

  /** What a failed attempt with {@code code} means. */
  static Decision decide(FailureCode code) {
    ErrorCode mapped = map(code);
    return switch (code) {
      case QUOTA_EXCEEDED,
          QUEUE_FULL,
          QUEUE_STOPPED,
          RATE_LIMITED,
          AUTH_REQUIRED,
          AUTH_DENIED,
          SPACE_NOT_FOUND,
          SPACE_NOT_RUNNING,
          TIMEOUT,
          CONNECTION_LOST,
          UNREACHABLE,
          PROTOCOL_ERROR,
          // The configuration no longer allows this backend's host: another backend may be.
          HOST_REFUSED,
          // Only the engine cancels on purpose, and then it ignores the event: a cancel from the
          // Space itself (its owner restarted it) is a lost connection.
          CANCELLED ->
          new Decision(true, mapped, false, false);
      case ENDPOINT_NOT_FOUND -> new Decision(true, mapped, false, true);
      case INPUT_REJECTED -> new Decision(false, mapped, true, true);
      case APP_ERROR -> new Decision(false, mapped, true, false);
      case FILE_REJECTED -> new Decision(false, mapped, false, false);
    };
  }

  /**
   * The user-facing reason ({@code reason.unreachable.dns}, {@code .refused}, {@code .timeout}) of
   * an {@code UNREACHABLE} failure's message, or null.
   */
  static String unreachableReason(String message) {
    if (message == null) return null;
    if (message.contains(FailureCode.UNREACHABLE_DNS)) return "reason.unreachable.dns";
    if (message.contains(FailureCode.UNREACHABLE_REFUSED)) return "reason.unreachable.refused";
    if (message.contains(FailureCode.UNREACHABLE_TIMEOUT)) return "reason.unreachable.timeout";
    return null;
  }

  /** The core's code for a Gradio failure. */
  static ErrorCode map(FailureCode code) {
    return switch (code) {
      case QUOTA_EXCEEDED -> ErrorCode.QUOTA_EXCEEDED;
      case QUEUE_FULL -> ErrorCode.QUEUE_FULL;
      case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
      case INPUT_REJECTED -> ErrorCode.INPUT_REJECTED;
      case APP_ERROR -> ErrorCode.APP_ERROR;
      case TIMEOUT -> ErrorCode.TIMEOUT;
      case FILE_REJECTED -> ErrorCode.FILE_REJECTED;
      case ENDPOINT_NOT_FOUND -> ErrorCode.MODEL_DEGRADED;
      // Not "not running": the bot could not get there, which sends the user looking elsewhere.
      case UNREACHABLE -> ErrorCode.SPACE_UNREACHABLE;
      case QUEUE_STOPPED,
          AUTH_REQUIRED,
          AUTH_DENIED,
          SPACE_NOT_FOUND,
          SPACE_NOT_RUNNING,
          CONNECTION_LOST,
          PROTOCOL_ERROR,
          // Said without the host: which addresses the bot refuses is not the user's business.
          HOST_REFUSED,
          CANCELLED ->
          ErrorCode.SPACE_DOWN;
    };
  }
}
