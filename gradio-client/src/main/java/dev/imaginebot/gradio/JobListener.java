package dev.imaginebot.gradio;

/**
 * Receives a job's events, in order, on the callback executor given in {@link GradioOptions} (never
 * on an OkHttp thread). Gets exactly one terminal event.
 */
@FunctionalInterface
public interface JobListener {
  /** A listener that ignores everything. */
  JobListener NONE = event -> {};

  /** One event; must not block for long (it holds up the job's later events). */
  void onEvent(Event event);
}
