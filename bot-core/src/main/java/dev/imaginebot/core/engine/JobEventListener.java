package dev.imaginebot.core.engine;

import dev.imaginebot.core.job.JobEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the engine sends one job's coalesced events: the core's renderer, which turns them into
 * {@link dev.imaginebot.core.job.JobUpdate}s for the front-end's view. Called on engine threads,
 * never concurrently for one job, in order; the terminal event arrives exactly once, through {@link
 * #deliver}.
 */
@FunctionalInterface
public interface JobEventListener {
  void onEvent(JobEvent event);

  /**
   * Shows the terminal event; the stage completes once the user was shown it. The default shows it
   * with {@link #onEvent} and counts it shown when that returns.
   */
  default CompletionStage<Void> deliver(JobEvent terminal) {
    onEvent(terminal);
    return CompletableFuture.completedFuture(null);
  }
}
