package dev.imaginebot.core.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The port a front-end implements to show one job: it puts each {@link JobUpdate} the core rendered
 * on its platform (usually by editing one message), and calls nothing back in the core to do so.
 * Called on a core thread, never concurrently for one job, in order, at most once per coalescing
 * interval (the core's one throttle) except for the outcome, which always arrives exactly once,
 * through {@link #deliver}. Implementations must not block for long.
 */
@FunctionalInterface
public interface JobView {
  void onUpdate(JobUpdate update);

  /**
   * Shows the outcome. The stage completes once the platform accepted what the user must see (the
   * images, the final text); until then the core counts the outcome as not delivered and shows it
   * again after a restart. The default shows it with {@link #onUpdate} and counts it delivered when
   * that returns, which suits views that render synchronously.
   */
  default CompletionStage<Void> deliver(JobUpdate outcome) {
    onUpdate(outcome);
    return CompletableFuture.completedFuture(null);
  }

  /**
   * What one message of this view can carry; the core fits texts and images to it before calling
   * {@link #onUpdate}. Asked for each update (a Discord interaction has its own upload limit).
   */
  default PlatformLimits limits() {
    return PlatformLimits.NONE;
  }
}
