package dev.imaginebot.telegram;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-chat FIFO queues of Bot API calls, run on a shared scheduler. Flood control lives here: edits
 * in one chat are spaced by an interval (longer in groups), a 429 holds the chat's queue for {@code
 * retry_after} and then retries the same call, and pending progress edits of one message collapse
 * into the newest. A call to a group that became a supergroup is made again at once (once): the
 * {@link TelegramApi} sends it to the new chat. Nothing here sleeps: waiting is scheduling. A
 * chat's queue is dropped once it is empty and its waits are over, so the map holds only chats with
 * something pending (or about to be paced).
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private final TelegramApi api;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration privateInterval;
  private final Duration groupInterval;
  private final Map<Long, ChatQueue> chats = new ConcurrentHashMap<>();
  private final Object idleSignal = new Object();

  /** Idle queues are swept when more chats than this have one. */
  static final int PRUNE_ABOVE = 256;

  Outbox(
      TelegramApi api,
      ScheduledExecutorService scheduler,
      Clock clock,
      Duration privateInterval,
      Duration groupInterval) {
    this.api = api;
    this.scheduler = scheduler;
    this.clock = clock;
    this.privateInterval = privateInterval;
    this.groupInterval = groupInterval;
  }

  /**
   * Waits until every chat's queue is empty, or {@code deadline} passed; returns whether it is. For
   * a stop: what the core delivered during its drain goes out before the threads go.
   */
  boolean awaitIdle(Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (idleSignal) {
      while (!idle()) {
        long left = end - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(idleSignal, left);
      }
      return true;
    }
  }

  private boolean idle() {
    for (ChatQueue q : chats.values()) {
      if (!q.idle()) return false;
    }
    return true;
  }

  private void signalIdle() {
    synchronized (idleSignal) {
      idleSignal.notifyAll();
    }
  }

  /** Queues a call for a chat (Telegram group chat ids are negative). */
  void submit(long chatId, Step step) {
    while (!chats.computeIfAbsent(chatId, ChatQueue::new).add(step)) {
      // That queue was retired between the lookup and the add: a fresh one takes the step.
    }
    if (chats.size() > PRUNE_ABOVE) prune();
  }

  /** Chats with a queue now (pending calls, or pacing not over yet). */
  int chats() {
    return chats.size();
  }

  private void prune() {
    Instant now = clock.instant();
    for (ChatQueue q : chats.values()) q.retireIfIdle(now);
  }

  private final class ChatQueue {
    private final long chatId;
    private final Duration editInterval;
    private final Deque<Step> steps = new ArrayDeque<>();
    private boolean scheduled;
    private Instant nextEditAt = Instant.MIN;
    private Instant blockedUntil = Instant.MIN;
    private boolean retired;

    ChatQueue(long chatId) {
      this.chatId = chatId;
      this.editInterval = chatId < 0 ? groupInterval : privateInterval;
    }

    synchronized boolean idle() {
      return steps.isEmpty() && !scheduled;
    }

    /** False when this queue was retired: the caller makes a new one. */
    synchronized boolean add(Step step) {
      if (retired) return false;
      if (step instanceof EditStep edit) {
        for (Iterator<Step> it = steps.iterator(); it.hasNext(); ) {
          Step queued = it.next();
          if (queued instanceof EditStep older && older.sameMessage(edit) && older.progress()) {
            if (edit.progress()) {
              older.takeContent(edit);
              return true;
            }
            // A final edit makes pending progress edits of that message pointless.
            it.remove();
          }
        }
      }
      steps.addLast(step);
      kick();
      return true;
    }

    /** Drops this queue from the map if nothing is pending and no wait is running. */
    synchronized void retireIfIdle(Instant now) {
      if (retired || scheduled || !steps.isEmpty()) return;
      if (blockedUntil.isAfter(now) || nextEditAt.isAfter(now)) return;
      retired = true;
      chats.remove(chatId, this);
    }

    private void kick() {
      if (scheduled || steps.isEmpty()) return;
      scheduled = true;
      schedule(delayMillis(steps.peekFirst()));
    }

    private long delayMillis(Step head) {
      Instant now = clock.instant();
      Instant ready = blockedUntil;
      if (head.edit() && nextEditAt.isAfter(ready)) ready = nextEditAt;
      return ready.isAfter(now) ? Duration.between(now, ready).toMillis() + 1 : 0;
    }

    private void schedule(long delayMillis) {
      try {
        scheduler.schedule(this::drain, delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // Shutting down: what is still queued is dropped.
        scheduled = false;
      }
    }

    private void drain() {
      Step step;
      synchronized (this) {
        step = steps.peekFirst();
        if (step == null) {
          scheduled = false;
          signalIdle();
          return;
        }
        long delay = delayMillis(step);
        if (delay > 0) {
          schedule(delay);
          return;
        }
        steps.pollFirst();
      }
      List<Step> next = List.of();
      boolean retry = false;
      try {
        next = step.run(api);
      } catch (ApiFailure f) {
        if (f.retryAfter().isPresent()) {
          Duration wait = f.retryAfter().get();
          log.info("Telegram flood control in chat {}: {} retried in {}", chatId, f.method(), wait);
          synchronized (this) {
            blockedUntil = clock.instant().plus(wait);
          }
          retry = true;
        } else if (f.migratedTo().isPresent() && step.followMigration()) {
          // The group became a supergroup: the api now sends this chat's calls there.
          retry = true;
        } else if (f.notModified()) {
          next = step.unchanged();
        } else {
          log.warn("Telegram {} in chat {} failed: {}", f.method(), chatId, f.getMessage());
          next = step.failed(f);
        }
      } catch (RuntimeException e) {
        log.error("Telegram {} in chat {} failed unexpectedly", step.method(), chatId, e);
        next = step.failed(new ApiFailure(step.method(), 0, e.getClass().getSimpleName(), null));
      }
      synchronized (this) {
        if (retry) {
          steps.addFirst(step);
        } else {
          if (step.edit()) nextEditAt = clock.instant().plus(editInterval);
          for (int i = next.size() - 1; i >= 0; i--) steps.addFirst(next.get(i));
        }
        scheduled = false;
        kick();
      }
      if (idle()) signalIdle();
    }
  }
}
