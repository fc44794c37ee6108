package dev.imaginebot.gradio;

import java.util.Objects;

/**
 * The exception a failed {@link Job#result()} or {@link GradioClient#connect} completes with. It
 * always carries a {@link Failure} value with a stable code.
 */
public class GradioException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Failure failure;

  public GradioException(Failure failure) {
    this(failure, null);
  }

  /**
   * An exception for {@code failure}, caused by {@code cause} (may be null). An {@link
   * FailureCode#UNREACHABLE} failure that names no reason takes it from the cause (a host that did
   * not resolve, a refused connection, a timeout), so callers never read it back from the message.
   */
  public GradioException(Failure failure, Throwable cause) {
    super(
        Objects.requireNonNull(failure, "failure == null").code() + ": " + failure.message(),
        cause);
    this.failure = withReason(failure, cause);
  }

  private static Failure withReason(Failure failure, Throwable cause) {
    if (failure.code() != FailureCode.UNREACHABLE || failure.unreachable().isPresent()) {
      return failure;
    }
    Failure.Unreachable why = Failure.Unreachable.of(cause);
    return why == null ? failure : failure.withUnreachable(why);
  }

  /** The failure as a value. */
  public Failure failure() {
    return failure;
  }
}
