package dev.imaginebot.core.job;

/**
 * The port a front-end implements to show one job: it renders each event (usually by editing one
 * message). Called on a core thread, never concurrently for one job, in order, at most once per
 * coalescing interval except for the terminal event, which always arrives exactly once.
 * Implementations must not block for long.
 */
@FunctionalInterface
public interface JobView {
  void onEvent(JobEvent event);
}
