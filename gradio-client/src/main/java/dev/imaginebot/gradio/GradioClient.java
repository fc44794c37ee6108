package dev.imaginebot.gradio;

import java.nio.file.Path;
import java.util.Map;

/**
 * A connection to one Gradio app. Thread-safe; share one per app. Close it to end its event streams
 * and release its callback thread.
 *
 * <pre>{@code
 * try (GradioClient gradio = GradioClient.connect("black-forest-labs/FLUX.1-schnell", options)) {
 *   Job job = gradio.submit("/infer", Arguments.named(Map.of("prompt", "a cat")), listener);
 *   Prediction p = job.result().get(5, MINUTES);
 * }
 * }</pre>
 */
public final class GradioClient implements AutoCloseable {

  private GradioClient() {}

  /**
   * Connects to {@code src}: a Space id ({@code owner/name}, resolved through the Hub), or a URL (a
   * {@code *.hf.space} host, a local server, a mounted sub-path). Wakes a sleeping Space and waits
   * for it, reading config and API once.
   *
   * @throws GradioException with a {@link Failure} when the app cannot be reached or used
   */
  public static GradioClient connect(String src, GradioOptions options) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Like {@link #connect(String, GradioOptions)}, reporting {@link Event.Waking} to the listener.
   */
  public static GradioClient connect(String src, GradioOptions options, JobListener wakeListener) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The app's self-description from {@code /config}. */
  public AppInfo app() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The app's API (cached; refreshed when the app restarts). */
  public ApiInfo api() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Submits a job and returns at once. Events reach {@code listener} on the callback executor.
   * Mapping errors (unknown endpoint, strict-mode unknown argument, missing required argument)
   * complete the job's future exceptionally without a request.
   */
  public Job submit(String endpoint, Arguments args, JobListener listener) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Submits with named arguments. */
  public Job submit(String endpoint, Map<String, ?> named, JobListener listener) {
    return submit(endpoint, Arguments.named(named), listener);
  }

  /** Blocking call: submits and waits for the result. */
  public Prediction predict(String endpoint, Map<String, ?> named) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Downloads a file from an output, with the client's auth and cookies, only from the app's own
   * origin (or an allowed host), and at most {@code maxBytes}. {@code data:} URIs are decoded
   * locally under the same cap.
   *
   * @throws GradioException {@code FILE_REJECTED} when off-origin or over the cap
   */
  public byte[] download(FileRef file, long maxBytes) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Uploads a local file for an image input and returns the reference to pass as argument. */
  public FileRef upload(Path file) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** How many HTTP requests (and websocket connections) this client has made so far. */
  public long requestCount() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void close() {}
}
