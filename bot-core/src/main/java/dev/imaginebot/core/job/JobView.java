package dev.imaginebot.core.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The port a front-end implements to show one job: it renders each event (usually by editing one
 * message). Called on a core thread, never concurrently for one job, in order, at most once per
 * coalescing interval except for the terminal event, which always arrives exactly once, through
 * {@link #deliver}. Implementations must not block for long.
 */
@FunctionalInterface
public interface JobView {
  void onEvent(JobEvent event);

  /**
   * Shows the terminal event. The stage completes once the platform accepted what the user must see
   * (the images, the final text); until then the core counts the outcome as not delivered and shows
   * it again after a restart. The default shows it with {@link #onEvent} and counts it delivered
   * when that returns, which suits views that render synchronously.
   */
  default CompletionStage<Void> deliver(JobEvent terminal) {
    onEvent(terminal);
    return CompletableFuture.completedFuture(null);
  }
}
