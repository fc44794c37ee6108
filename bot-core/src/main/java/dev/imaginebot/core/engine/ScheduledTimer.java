package dev.imaginebot.core.engine;

import dev.imaginebot.core.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A {@link Timer} on one daemon thread. */
final class ScheduledTimer implements Timer {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("imagine-events"));

  @Override
  public Runnable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f;
    try {
      f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException x) {
      // Shut down with the engine: nothing more is reported, the job resumes at the next start.
      return () -> {};
    }
    return () -> f.cancel(false);
  }

  @Override
  public void shutdown() {
    executor.shutdownNow();
  }
}
