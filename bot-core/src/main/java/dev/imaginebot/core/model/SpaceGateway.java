package dev.imaginebot.core.model;

import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.JobListener;
import java.util.List;

/**
 * The core's small port onto Spaces, so the engine can be driven by a hand-stepped fake in tests.
 * {@link RealSpaceGateway} is the production one (one cached {@code GradioClient} per Space).
 */
public interface SpaceGateway extends AutoCloseable {

  /**
   * The Space's API, read now (connecting, and waking the Space, if need be).
   *
   * @throws dev.imaginebot.gradio.GradioException when the Space cannot be reached
   */
  ApiInfo api(String space);

  /**
   * Like {@link #api(String)}, telling {@code wakeListener} about {@code Waking} events while a
   * sleeping Space is started, so the job waiting for it can say so.
   */
  default ApiInfo api(String space, JobListener wakeListener) {
    return api(space);
  }

  /**
   * Calls {@code endpoint} with positional {@code args}. May block while connecting. {@code
   * listener} gets the call's events and exactly one terminal event ({@code Completed}, {@code
   * Failed} or {@code Cancelled}), also when connecting fails.
   */
  Call submit(String space, String endpoint, List<Object> args, JobListener listener);

  /**
   * Downloads an output file, at most {@code maxBytes}.
   *
   * @throws dev.imaginebot.gradio.GradioException {@code FILE_REJECTED} when off-origin or too big
   */
  byte[] download(String space, FileRef file, long maxBytes);

  /** Forgets the cached connection to a Space (after it restarted or vanished). */
  default void forget(String space) {}

  @Override
  void close();

  /** A call in progress. */
  interface Call {
    /** Cancels the call where possible; safe to call twice. */
    void cancel();
  }
}
