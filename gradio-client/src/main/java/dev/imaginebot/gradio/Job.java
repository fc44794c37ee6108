package dev.imaginebot.gradio;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A submitted job. Thread-safe. */
public interface Job {
  /** The server's event id once joined, else a client-side id. */
  String id();

  /**
   * Completes with the prediction, or exceptionally with a {@link GradioException} (failure or
   * cancellation, code and message inside). Completes after the terminal event was delivered.
   */
  CompletableFuture<Prediction> result();

  /** Argument names that were dropped because the endpoint does not take them (lenient mode). */
  List<String> droppedArguments();

  /** Cancels the job on the server where possible. Safe to call twice or after completion. */
  void cancel();
}
