package dev.imaginebot.core.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A {@link Timer} and {@link Clock} the test advances by hand. Thread-safe. */
final class FakeTimer extends Clock implements Timer {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Task> tasks = new ArrayList<>();

  private static final class Task {
    final Instant due;
    final Runnable run;
    boolean cancelled;

    Task(Instant due, Runnable run) {
      this.due = due;
      this.run = run;
    }
  }

  @Override
  public synchronized Runnable schedule(Runnable task, Duration delay) {
    Task t = new Task(now.plus(delay), task);
    tasks.add(t);
    return () -> {
      synchronized (FakeTimer.this) {
        t.cancelled = true;
      }
    };
  }

  /** Moves time on and runs (on this thread) every task that became due. */
  void advance(Duration d) {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      now = now.plus(d);
      for (Task t : List.copyOf(tasks)) {
        if (!t.due.isAfter(now)) {
          tasks.remove(t);
          if (!t.cancelled) due.add(t);
        }
      }
    }
    for (Task t : due) t.run.run();
  }

  synchronized int scheduled() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
