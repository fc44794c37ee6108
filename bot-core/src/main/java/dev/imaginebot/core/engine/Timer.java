package dev.imaginebot.core.engine;

import java.time.Duration;

/** Runs a task later; tests step a fake one by hand. */
interface Timer {
  /** Schedules {@code task} after {@code delay}; returns what cancels it. */
  Runnable schedule(Runnable task, Duration delay);

  /** Stops the timer; pending tasks are dropped. */
  default void shutdown() {}
}
