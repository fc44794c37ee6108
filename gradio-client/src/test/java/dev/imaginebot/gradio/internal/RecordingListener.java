package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.JobListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records events and the threads that delivered them. */
final class RecordingListener implements JobListener {
  private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
  final List<String> threads = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(Event event) {
    threads.add(Thread.currentThread().getName());
    queue.add(event);
  }

  Event next() throws InterruptedException {
    Event e = queue.poll(10, TimeUnit.SECONDS);
    if (e == null) fail("no event within 10 s");
    return e;
  }

  void assertNoMore() throws InterruptedException {
    assertThat(queue.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }
}
