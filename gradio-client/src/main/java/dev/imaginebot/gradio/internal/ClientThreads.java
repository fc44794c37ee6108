package dev.imaginebot.gradio.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's threads: a timer for deadlines and waits, workers for blocking requests, and the
 * executor listeners are called on (the caller's, or one daemon thread of the client's own).
 */
final class ClientThreads {
  private static final Logger log = LoggerFactory.getLogger(ClientThreads.class);
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final ExecutorService ownedCallbacks;
  private final Executor callbacks;

  /**
   * @param callbacks the caller's executor for listener calls, or null for one of the client's own
   */
  ClientThreads(Executor callbacks) {
    int n = CLIENTS.incrementAndGet();
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("gradio-timer-" + n));
    this.workers = Executors.newCachedThreadPool(daemon("gradio-worker-" + n));
    if (callbacks != null) {
      this.ownedCallbacks = null;
      this.callbacks = callbacks;
    } else {
      this.ownedCallbacks = Executors.newSingleThreadExecutor(daemon("gradio-callbacks-" + n));
      this.callbacks = ownedCallbacks;
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  Executor callbacks() {
    return callbacks;
  }

  /** Runs a blocking task on a worker; dropped once the client is closed. */
  void work(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("client closed; task dropped");
    }
  }

  /** Stops the timer and workers; listener calls already queued on an own executor still run. */
  void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    if (ownedCallbacks != null) ownedCallbacks.shutdown();
  }
}
