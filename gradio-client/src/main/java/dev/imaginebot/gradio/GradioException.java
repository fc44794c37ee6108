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

  public GradioException(Failure failure, Throwable cause) {
    super(
        Objects.requireNonNull(failure, "failure == null").code() + ": " + failure.message(),
        cause);
    this.failure = failure;
  }

  /** The failure as a value. */
  public Failure failure() {
    return failure;
  }
}
