package dev.imaginebot.core.model;

import dev.imaginebot.gradio.ApiInfo;
import java.util.List;
import java.util.Optional;

/**
 * The core's small port onto Spaces, so the engine can be driven by a hand-stepped fake in tests.
 * {@link RealSpaceGateway} is the production one (one cached {@code GradioClient} per Space).
 *
 * <p>Calls and downloads speak the core's own types ({@link SpaceEvent}, {@link SpaceFailure},
 * {@link SpaceFile}), so the job engine knows nothing of gradio-client; only reading a Space's API,
 * which the model registry maps onto requests, returns gradio-client's {@link ApiInfo}.
 */
public interface SpaceGateway extends AutoCloseable {

  /**
   * The Space's API, read now (connecting, and waking the Space, if need be).
   *
   * @throws dev.imaginebot.gradio.GradioException when the Space cannot be reached
   */
  ApiInfo api(String space);

  /**
   * Like {@link #api(String)}, telling {@code wakeListener} about {@link SpaceEvent.Waking} while a
   * sleeping Space is started, so the job waiting for it can say so. It hears nothing else.
   */
  default ApiInfo api(String space, Listener wakeListener) {
    return api(space);
  }

  /**
   * Re-reads the Space's API now (its config and API description, not a cached copy) and makes it
   * current for new calls; calls in flight are not touched. Connects when there is no connection.
   *
   * @throws dev.imaginebot.gradio.GradioException when the Space cannot be read
   */
  default ApiInfo refresh(String space) {
    return api(space);
  }

  /**
   * Why {@code space} (a Space id or URL) may not be reached at all, or empty when it may. Makes no
   * request.
   */
  default Optional<String> refusal(String space) {
    return Optional.empty();
  }

  /**
   * Calls {@code endpoint} with positional {@code args}. May block while connecting. {@code
   * listener} gets the call's events and exactly one terminal event ({@link SpaceEvent.Completed},
   * {@link SpaceEvent.Failed} or {@link SpaceEvent.Cancelled}), also when connecting fails; it is
   * called on the gateway's threads (or on the submitting thread, for a failure to connect).
   */
  Call submit(String space, String endpoint, List<Object> args, Listener listener);

  /**
   * Downloads an output file, at most {@code maxBytes}.
   *
   * @throws SpaceException {@link SpaceFailure.Kind#FILE_REJECTED} when off-origin or too big, or
   *     another kind when the Space could not serve it
   */
  byte[] download(String space, SpaceFile file, long maxBytes);

  /**
   * Forgets the cached connection to a Space that no model uses (a probe that found nothing); calls
   * still running on it finish first.
   */
  default void forget(String space) {}

  @Override
  void close();

  /** Hears the events of one call (or the waking of a Space). */
  @FunctionalInterface
  interface Listener {
    /** Listens to nothing. */
    Listener NONE = event -> {};

    void onEvent(SpaceEvent event);
  }

  /** A call in progress. */
  interface Call {
    /** Cancels the call where possible; safe to call twice. */
    void cancel();
  }
}
