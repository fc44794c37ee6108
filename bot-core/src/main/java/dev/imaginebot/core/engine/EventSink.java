package dev.imaginebot.core.engine;

import dev.imaginebot.core.job.JobEvent;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces one job's events for its view: at most one per interval, never one equal to the last
 * shown, the latest pending one shown when the interval ends, and exactly one terminal event, at
 * once. Delivers under its own lock, so the view is never called concurrently.
 */
final class EventSink {
  private static final Logger log = LoggerFactory.getLogger(EventSink.class);

  private final long jobId;
  private final JobEventListener view;
  private final long intervalMillis;
  private final Timer timer;
  private final Clock clock;
  private final Runnable onDelivered;
  private JobEvent last;
  private JobEvent pending;
  private long lastAt = Long.MIN_VALUE / 2;
  private Runnable scheduled;
  private boolean closed;

  EventSink(long jobId, JobEventListener view, Duration interval, Timer timer, Clock clock) {
    this(jobId, view, interval, timer, clock, () -> {});
  }

  /**
   * @param onDelivered run once the view says the terminal event reached the user
   */
  EventSink(
      long jobId,
      JobEventListener view,
      Duration interval,
      Timer timer,
      Clock clock,
      Runnable onDelivered) {
    this.onDelivered = onDelivered;
    this.jobId = jobId;
    this.view = view;
    this.intervalMillis = Math.max(0, interval.toMillis());
    this.timer = timer;
    this.clock = clock;
  }

  synchronized void emit(JobEvent event) {
    if (closed) return;
    if (event.terminal()) {
      closed = true;
      pending = null;
      if (scheduled != null) scheduled.run();
      scheduled = null;
      deliver(event);
      return;
    }
    if (event.equals(last)) {
      pending = null;
      return;
    }
    long now = clock.millis();
    if (scheduled == null && now - lastAt >= intervalMillis) {
      deliver(event);
      return;
    }
    pending = event;
    if (scheduled == null) {
      scheduled = timer.schedule(this::flush, Duration.ofMillis(lastAt + intervalMillis - now));
    }
  }

  synchronized boolean closed() {
    return closed;
  }

  private synchronized void flush() {
    scheduled = null;
    if (closed || pending == null) return;
    JobEvent e = pending;
    pending = null;
    deliver(e);
  }

  private void deliver(JobEvent event) {
    last = event;
    lastAt = clock.millis();
    try {
      if (event.terminal()) {
        view.deliver(event)
            .whenComplete(
                (ok, failed) -> {
                  if (failed == null) onDelivered.run();
                  else log.warn("Job {}: outcome not delivered: {}", jobId, failed.toString());
                });
      } else {
        view.onEvent(event);
      }
    } catch (RuntimeException e) {
      // A broken view must not stop the job; the front-end's bug is logged once per event.
      log.warn("View of job {} failed on {}", jobId, event.getClass().getSimpleName(), e);
    }
  }
}
