package dev.imaginebot.gradio.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.JobListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A listener that records a job's events for assertions, in arrival order. */
final class Recorder implements JobListener {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
  private final List<Event> seen = new ArrayList<>();

  @Override
  public void onEvent(Event event) {
    queue.add(event);
  }

  /** Waits for the next event. */
  Event next() throws InterruptedException {
    Event event = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      fail("No event within " + TIMEOUT + "; so far: " + seen);
    }
    seen.add(event);
    return event;
  }

  /** Waits until an event matches, returning it (earlier events stay in {@link #seen()}). */
  Event until(Predicate<Event> wanted) throws InterruptedException {
    while (true) {
      Event event = next();
      if (wanted.test(event)) {
        return event;
      }
      if (event.terminal()) {
        fail("Job ended before the awaited event: " + seen);
      }
    }
  }

  /**
   * Waits for the terminal event, checks it is the only one (nothing follows it within a short
   * grace period) and returns it.
   */
  Event terminal() throws InterruptedException {
    Event last;
    do {
      last = next();
    } while (!last.terminal());
    assertNoMoreEvents();
    return last;
  }

  /** Asserts that no event arrives within a short grace period. */
  void assertNoMoreEvents() throws InterruptedException {
    Event extra = queue.poll(500, TimeUnit.MILLISECONDS);
    assertThat(extra).as("event after the terminal one; before it: %s", seen).isNull();
    assertThat(seen.stream().filter(Event::terminal).count())
        .as("terminal events in %s", seen)
        .isEqualTo(1);
  }

  /** Every event seen so far, in order. */
  List<Event> seen() {
    return List.copyOf(seen);
  }

  <T extends Event> List<T> seen(Class<T> type) {
    return seen.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
