package dev.imaginebot.gradio;

import dev.imaginebot.gradio.internal.ClientSettings;
import dev.imaginebot.gradio.internal.Connection;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * A connection to one Gradio app. Thread-safe; share one per app. Close it to end its event streams
 * and release its threads.
 *
 * <pre>{@code
 * try (GradioClient gradio = GradioClient.connect("black-forest-labs/FLUX.1-schnell", options)) {
 *   Job job = gradio.submit("/infer", Arguments.named(Map.of("prompt", "a cat")), listener);
 *   Prediction p = job.result().get(5, MINUTES);
 * }
 * }</pre>
 *
 * <p><b>Sessions.</b> On the SSE queue protocols (Gradio 4.9 and later) all jobs of a client share
 * one session and therefore one event stream: a warm job costs one join request plus one GET per
 * output file. Gradio cancels per session and endpoint, so {@link Job#cancel()} on a shared session
 * asks the server to stop the job only when no other job of the same endpoint is running in that
 * session; otherwise the job is ended locally (listener gets {@link Event.Cancelled}) and the
 * server finishes it unobserved. Use {@link #submitOnOwnSession} for a job that must be cancellable
 * on the server independently (it costs one extra stream request).
 */
public final class GradioClient implements AutoCloseable {
  private final Connection connection;

  private GradioClient(Connection connection) {
    this.connection = connection;
  }

  /**
   * Connects to {@code src}: a Space id ({@code owner/name}, resolved through the Hub), or a URL (a
   * {@code *.hf.space} host, a local server, a mounted sub-path). Wakes a sleeping Space and waits
   * for it, reading config and API once. Blocks the calling thread until connected. Only hosts the
   * options' {@link HostPolicy} allows are reached, on every request and redirect.
   *
   * @throws GradioException with a {@link Failure} when the app cannot be reached or used ({@link
   *     FailureCode#HOST_REFUSED}, before any request to it, when the policy refuses it)
   */
  public static GradioClient connect(String src, GradioOptions options) {
    return connect(src, options, JobListener.NONE);
  }

  /**
   * Like {@link #connect(String, GradioOptions)}, reporting {@link Event.Waking} to the listener
   * (on the callback executor) while a Space starts.
   */
  public static GradioClient connect(String src, GradioOptions options, JobListener wakeListener) {
    Objects.requireNonNull(options, "options == null");
    ClientSettings settings =
        new ClientSettings(
            options.hubUrl,
            options.hfToken,
            options.username,
            options.password,
            options.callbackExecutor,
            options.httpClient,
            options.strictArguments,
            options.heartbeatTimeout,
            options.deadline,
            options.wakeTimeout,
            options.maxDownloadBytes,
            options.allowedFileHosts,
            options.idleRevalidation,
            System::nanoTime,
            options.hostPolicy,
            options.downloadTimeout);
    return new GradioClient(Connection.connect(src, settings, wakeListener));
  }

  /** The app's self-description from {@code /config}. */
  public AppInfo app() {
    return connection.app();
  }

  /** The app's API (cached; re-read when a join says the app changed). */
  public ApiInfo api() {
    return connection.api();
  }

  /**
   * Re-reads the app's config and API now and makes them current, for jobs submitted from then on.
   * Jobs in flight are not touched. Blocks the calling thread; does not wait for a starting app.
   *
   * @throws GradioException when they cannot be read (the cached ones stay then)
   */
  public ApiInfo refresh() {
    return connection.reread();
  }

  /**
   * Submits a job and returns at once. Events reach {@code listener} on the callback executor.
   * Mapping errors (unknown endpoint, strict-mode unknown argument, missing required argument) end
   * the job at once with a {@link Event.Failed} and an exceptionally completed future, without a
   * request.
   */
  public Job submit(String endpoint, Arguments args, JobListener listener) {
    return connection.submit(endpoint, args, listener, false);
  }

  /** Submits with named arguments. */
  public Job submit(String endpoint, Map<String, ?> named, JobListener listener) {
    return submit(endpoint, Arguments.named(named), listener);
  }

  /**
   * Submits to an endpoint taken from {@link #api()}; the way to call an unnamed endpoint ({@link
   * Endpoint#name()} null), which can never be chosen by name.
   */
  public Job submit(Endpoint endpoint, Arguments args, JobListener listener) {
    return connection.submit(endpoint, args, listener, false);
  }

  /**
   * Submits to the endpoint with dependency index {@code fnIndex} (an {@link Endpoint#fnIndex()}),
   * as {@code fn_index=} does in the official clients: the way to call a 3.x event that has no API
   * name.
   */
  public Job submit(int fnIndex, Arguments args, JobListener listener) {
    return connection.submit(fnIndex, args, listener, false);
  }

  /**
   * Submits a job on a session of its own (its own event stream), so that {@link Job#cancel()}
   * stops it on the server without touching other jobs. Costs one more request than {@link
   * #submit(String, Arguments, JobListener)}. On protocols without shared sessions (3.x, 4.0–4.8)
   * every job already has its own connection, and this is the same as {@code submit}.
   */
  public Job submitOnOwnSession(String endpoint, Arguments args, JobListener listener) {
    return connection.submit(endpoint, args, listener, true);
  }

  /** Like {@link #submitOnOwnSession(String, Arguments, JobListener)}, by dependency index. */
  public Job submitOnOwnSession(int fnIndex, Arguments args, JobListener listener) {
    return connection.submit(fnIndex, args, listener, true);
  }

  /** Blocking call: submits and waits for the result. */
  public Prediction predict(String endpoint, Map<String, ?> named) {
    return predict(endpoint, Arguments.named(named));
  }

  /**
   * Blocking call with positional and named arguments.
   *
   * @throws GradioException when the job fails, times out or is cancelled
   */
  public Prediction predict(String endpoint, Arguments args) {
    Job job = submit(endpoint, args, JobListener.NONE);
    try {
      return job.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.cancel();
      throw new GradioException(Failure.of(FailureCode.CANCELLED, "Interrupted while waiting."), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GradioException g) {
        throw new GradioException(g.failure(), g);
      }
      throw new IllegalStateException("job failed unexpectedly", e.getCause());
    }
  }

  /**
   * Downloads a file from an output, with the client's auth and cookies, only from the app's own
   * origin (or an allowed host), and at most {@code maxBytes}. {@code data:} URIs are decoded
   * locally under the same cap. Blocks the calling thread.
   *
   * @throws GradioException {@code FILE_REJECTED} when off-origin or over the cap
   */
  public byte[] download(FileRef file, long maxBytes) {
    return connection.download(file, maxBytes);
  }

  /**
   * Uploads a local file for an image input and returns the reference to pass as argument (3.x apps
   * take files inline: the reference is then a {@code data:} URI and nothing is sent yet).
   */
  public FileRef upload(Path file) {
    return connection.upload(file);
  }

  /** How many HTTP requests (and websocket connections) this client has made so far. */
  public long requestCount() {
    return connection.requestCount();
  }

  /** Ends event streams (pending jobs fail with {@code CONNECTION_LOST}) and stops threads. */
  @Override
  public void close() {
    connection.close();
  }
}
