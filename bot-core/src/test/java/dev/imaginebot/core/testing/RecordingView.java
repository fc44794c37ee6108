package dev.imaginebot.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records events for a test to take, in order, with a timeout: as a front-end's {@link JobView}
 * (the rendered updates are kept too, see {@link #updates()}) or as the engine's {@link
 * JobEventListener}.
 */
public final class RecordingView implements JobView, JobEventListener {
  private final LinkedBlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
  private final List<JobUpdate> updates = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(JobEvent event) {
    events.add(event);
  }

  @Override
  public void onUpdate(JobUpdate update) {
    updates.add(update);
    events.add(update.event());
  }

  /** Every update this view was shown, in order (empty when used as the engine's listener). */
  public List<JobUpdate> updates() {
    return List.copyOf(updates);
  }

  /** The next event, waiting up to 10 s; fails the test when none arrives. */
  public JobEvent take() {
    try {
      JobEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("an event within 10 s").isNotNull();
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ex);
    }
  }

  /** The next event, which must be of {@code type}. */
  public <T extends JobEvent> T take(Class<T> type) {
    JobEvent e = take();
    assertThat(e).isInstanceOf(type);
    return type.cast(e);
  }

  /** Events until (and including) the terminal one. */
  public JobEvent terminal() {
    while (true) {
      JobEvent e = take();
      if (e.terminal()) return e;
    }
  }

  /** Events recorded and not taken yet. */
  public int pending() {
    return events.size();
  }

  public void assertExhausted() {
    assertThat(events).isEmpty();
  }
}
