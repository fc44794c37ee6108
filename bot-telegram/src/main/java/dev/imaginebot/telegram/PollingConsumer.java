package dev.imaginebot.telegram;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.interfaces.LongPollingUpdateConsumer;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The long-polling side of {@link UpdateRouter}. TelegramBots calls {@link #consume} on its polling
 * thread and confirms the updates (the next {@code getUpdates} offset) only after it returns; an
 * exception would end its polling task for good. So when the updates cannot be stored (the database
 * is down), this keeps the polling thread here, retrying with backoff, until they are stored or the
 * front-end stops: nothing is confirmed that is not stored.
 */
final class PollingConsumer implements LongPollingUpdateConsumer {
  private static final Logger log = LoggerFactory.getLogger(PollingConsumer.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final UpdateRouter router;
  private final Object stopSignal = new Object();
  private volatile boolean stopped;

  PollingConsumer(UpdateRouter router) {
    this.router = router;
  }

  @Override
  public void consume(List<Update> updates) {
    Duration backoff = FIRST_BACKOFF;
    while (!stopped) {
      try {
        router.consume(updates);
        return;
      } catch (RuntimeException e) {
        if (stopped) return;
        log.warn(
            "Telegram updates not stored ({}); retrying in {} ms before confirming them",
            e.toString(),
            backoff.toMillis());
        synchronized (stopSignal) {
          try {
            stopSignal.wait(backoff.toMillis());
          } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /** Stops retrying; updates not stored are not confirmed and come again at the next start. */
  void stop() {
    stopped = true;
    synchronized (stopSignal) {
      stopSignal.notifyAll();
    }
  }

  /**
   * Called by TelegramBots when its polling session closes. Stops retrying but leaves the router
   * open: polling also stops when this instance loses the poller role, while the router goes on
   * serving the next session (the front-end stops the router itself when it stops).
   */
  @Override
  public void close() {
    stop();
  }
}
