package dev.imaginebot.core.engine;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.model.SpaceFailure.Kind;

/**
 * What one failed attempt on a backend means for the job: try the model's next backend (the Space
 * is out of quota, down, full or too slow: not the user's fault), or end the job (the user's input,
 * or the app's own answer, which another copy of the Space would repeat).
 *
 * <p>Every switch is exhaustive with no default, so a new {@link Kind} fails to compile until
 * someone decides what it means, instead of silently becoming "Space down".
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

  /** What a failed attempt of {@code kind} means. */
  static Decision decide(Kind kind) {
    ErrorCode mapped = map(kind);
    return switch (kind) {
      case QUOTA_EXCEEDED,
          QUEUE_FULL,
          RATE_LIMITED,
          TIMEOUT,
          UNREACHABLE,
          SPACE_DOWN,
          CONNECTION_LOST,
          PROTOCOL_ERROR ->
          new Decision(true, mapped, false, false);
      case ENDPOINT_MISSING -> new Decision(true, mapped, false, true);
      case INPUT_REJECTED -> new Decision(false, mapped, true, true);
      case APP_ERROR -> new Decision(false, mapped, true, false);
      case FILE_REJECTED -> new Decision(false, mapped, false, false);
    };
  }

  /**
   * The user-facing reason ({@code reason.unreachable.dns}, {@code .refused}, {@code .timeout}) of
   * an {@code UNREACHABLE} failure, or null when it says none.
   */
  static String unreachableReason(SpaceFailure failure) {
    if (failure.unreachable().isEmpty()) return null;
    return switch (failure.unreachable().get()) {
      case NAME_NOT_RESOLVED -> "reason.unreachable.dns";
      case REFUSED -> "reason.unreachable.refused";
      case TIMED_OUT -> "reason.unreachable.timeout";
    };
  }

  /** The user's code for a failure of {@code kind}. */
  static ErrorCode map(Kind kind) {
    return switch (kind) {
      case QUOTA_EXCEEDED -> ErrorCode.QUOTA_EXCEEDED;
      case QUEUE_FULL -> ErrorCode.QUEUE_FULL;
      case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
      case INPUT_REJECTED -> ErrorCode.INPUT_REJECTED;
      case APP_ERROR -> ErrorCode.APP_ERROR;
      case TIMEOUT -> ErrorCode.TIMEOUT;
      case FILE_REJECTED -> ErrorCode.FILE_REJECTED;
      case ENDPOINT_MISSING -> ErrorCode.MODEL_DEGRADED;
      // Not "not running": the bot could not get there, which sends the user looking elsewhere.
      case UNREACHABLE -> ErrorCode.SPACE_UNREACHABLE;
      // Said without the host when it was refused: which addresses the bot refuses is not the
      // user's business.
      case SPACE_DOWN, CONNECTION_LOST, PROTOCOL_ERROR -> ErrorCode.SPACE_DOWN;
    };
  }
}
