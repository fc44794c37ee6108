package dev.imaginebot.core.testing;

import dev.imaginebot.core.model.SpaceFile;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.gradio.ApiInfo;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SpaceGateway} whose Spaces named {@code held/...} never answer a read of their API until
 * the test {@link #release releases} them (a Space that takes its whole wake timeout); everything
 * else goes to the wrapped gateway.
 */
public final class HeldApis implements SpaceGateway {
  private final SpaceGateway delegate;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Semaphore reading = new Semaphore(0);

  public HeldApis(SpaceGateway delegate) {
    this.delegate = delegate;
  }

  /** Waits until {@code n} reads of held Spaces are waiting (or were), up to 20 s. */
  public void awaitReading(int n) {
    try {
      if (!reading.tryAcquire(n, 20, TimeUnit.SECONDS)) {
        throw new AssertionError("fewer than " + n + " held Spaces were read");
      }
      reading.release(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Lets every held read, and every later one, answer. */
  public void release() {
    released.countDown();
  }

  @Override
  public ApiInfo api(String space) {
    if (space.startsWith("held/")) {
      reading.release();
      try {
        if (!released.await(60, TimeUnit.SECONDS)) throw new AssertionError("never released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return delegate.api(space);
  }

  @Override
  public Call submit(String space, String endpoint, List<Object> args, Listener listener) {
    return delegate.submit(space, endpoint, args, listener);
  }

  @Override
  public byte[] download(String space, SpaceFile file, long maxBytes) {
    return delegate.download(space, file, maxBytes);
  }

  @Override
  public void close() {
    release();
    delegate.close();
  }
}
