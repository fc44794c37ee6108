package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The front-end's per-job and per-chat maps stay bounded however many jobs and chats pass. */
class BoundedMemoryTest {
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void sentImagesForgetTheOldestJobsFirst() {
    SentImages sent = new SentImages(3);
    for (long job = 1; job <= 5; job++) sent.add(-1, job, (int) job * 10);
    assertThat(sent.size()).isEqualTo(3);
    assertThat(sent.remove(-1, 1)).isEmpty();
    assertThat(sent.remove(-1, 5)).containsExactly(50);
  }

  @Test
  void sentImagesKeepAFewPerJob() {
    SentImages sent = new SentImages();
    for (int i = 0; i < 100; i++) sent.add(7, 1, i);
    assertThat(sent.remove(7, 1)).hasSize(SentImages.MAX_PER_JOB);
  }

  @Test
  void idleChatQueuesAreDropped() throws InterruptedException {
    Outbox outbox = new Outbox(null, scheduler, Clock.systemUTC(), Duration.ZERO, Duration.ZERO);
    int chats = Outbox.PRUNE_ABOVE * 4;
    for (long chat = 1; chat <= chats; chat++) {
      CountDownLatch ran = new CountDownLatch(1);
      outbox.submit(chat, step(ran));
      // One at a time, so each queue is idle before the next chat arrives.
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(outbox.chats()).isLessThanOrEqualTo(Outbox.PRUNE_ABOVE + 1);
  }

  private static Step step(CountDownLatch ran) {
    return new Step() {
      @Override
      List<Step> run(TelegramApi api) {
        ran.countDown();
        return List.of();
      }

      @Override
      String method() {
        return "test";
      }
    };
  }
}
