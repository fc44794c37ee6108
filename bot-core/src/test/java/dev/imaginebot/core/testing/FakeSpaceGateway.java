package dev.imaginebot.core.testing;

import dev.imaginebot.core.model.SpaceEvent;
import dev.imaginebot.core.model.SpaceException;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.model.SpaceFile;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.ReturnValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-stepped {@link SpaceGateway}: every Space has a FLUX-like {@code /infer} API unless told
 * otherwise; each call waits in {@link #nextCall()} until the test completes or fails it.
 */
public final class FakeSpaceGateway implements SpaceGateway {
  private final LinkedBlockingQueue<FakeCall> calls = new LinkedBlockingQueue<>();
  private final Map<String, ApiInfo> apis = new ConcurrentHashMap<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicInteger fileCounter = new AtomicInteger();
  private final AtomicInteger submitted = new AtomicInteger();
  private volatile boolean completeAtOnce;

  /**
   * A FLUX-like API: /infer(prompt, seed, randomize_seed, width, height, steps) -> (Image, seed).
   */
  public static ApiInfo fluxApi() {
    return new ApiInfo(
        List.of(
            new Endpoint(
                "/infer",
                0,
                List.of(
                    param("prompt", "Prompt", "string", "Textbox", false, null, null, null, null),
                    param("seed", "Seed", "number", "Slider", true, 0, 0.0, 2147483647.0, 1.0),
                    param(
                        "randomize_seed",
                        "Randomize seed",
                        "boolean",
                        "Checkbox",
                        true,
                        true,
                        null,
                        null,
                        null),
                    param("width", "Width", "number", "Slider", true, 1024, 256.0, 2048.0, 32.0),
                    param("height", "Height", "number", "Slider", true, 1024, 256.0, 2048.0, 32.0),
                    param(
                        "num_inference_steps",
                        "Number of inference steps",
                        "number",
                        "Slider",
                        true,
                        4,
                        1.0,
                        50.0,
                        1.0)),
                List.of(
                    new ReturnValue("Result", "Image", "filepath"),
                    new ReturnValue("Seed", "Number", "float")))));
  }

  private static Parameter param(
      String name,
      String label,
      String type,
      String component,
      boolean hasDefault,
      Object def,
      Double min,
      Double max,
      Double step) {
    return new Parameter(
        name, label, type, null, component, hasDefault, def, min, max, step, List.of());
  }

  /** Serves {@code api} for {@code space} instead of the FLUX-like one. */
  public FakeSpaceGateway api(String space, ApiInfo api) {
    apis.put(space, api);
    return this;
  }

  /** Completes every call at once with one distinct image (for tests that need no stepping). */
  public FakeSpaceGateway completeAtOnce(boolean atOnce) {
    this.completeAtOnce = atOnce;
    return this;
  }

  /** Spaces whose id starts with "internal" are refused by the host policy, before any call. */
  @Override
  public java.util.Optional<String> refusal(String space) {
    return space.startsWith("internal")
        ? java.util.Optional.of(space + " resolves to a loopback address")
        : java.util.Optional.empty();
  }

  @Override
  public ApiInfo api(String space) {
    if (space.startsWith("missing")) {
      throw new GradioException(Failure.of(FailureCode.SPACE_NOT_FOUND, "no such Space"));
    }
    if (space.startsWith("unreachable")) {
      // What gradio-client says when the host name does not resolve (no route to the Hub): the
      // reason comes from the cause, as it does in the real client.
      String host = space + ".hf.space";
      throw new GradioException(
          Failure.of(
              FailureCode.UNREACHABLE,
              "Could not reach the app at https://"
                  + host
                  + ": "
                  + FailureCode.UNREACHABLE_DNS
                  + "."),
          new java.net.UnknownHostException(host));
    }
    if (space.startsWith("sleepy")) {
      // Nobody waits on a background read: it gives up while the Space is still starting.
      throw new GradioException(Failure.of(FailureCode.TIMEOUT, "the Space is still starting"));
    }
    return apis.getOrDefault(space, fluxApi());
  }

  /** Spaces whose id starts with "sleepy" have to be woken first, which the listener hears. */
  @Override
  public ApiInfo api(String space, Listener wakeListener) {
    if (space.startsWith("sleepy")) {
      wakeListener.onEvent(new SpaceEvent.Waking());
      return apis.getOrDefault(space, fluxApi());
    }
    return api(space);
  }

  @Override
  public Call submit(String space, String endpoint, List<Object> args, Listener listener) {
    submitted.incrementAndGet();
    FakeCall call = new FakeCall(space, endpoint, args, listener);
    if (completeAtOnce) call.complete(1);
    else calls.add(call);
    return call::cancel;
  }

  private volatile java.util.concurrent.CountDownLatch downloadGate;

  /** Makes downloads wait until {@code gate} opens (to look at what was stored before one). */
  public FakeSpaceGateway holdDownloads(java.util.concurrent.CountDownLatch gate) {
    this.downloadGate = gate;
    return this;
  }

  @Override
  public byte[] download(String space, SpaceFile file, long maxBytes) {
    java.util.concurrent.CountDownLatch gate = downloadGate;
    if (gate != null) {
      try {
        if (!gate.await(20, TimeUnit.SECONDS)) throw new AssertionError("download gate shut");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    byte[] b = files.get(file.url());
    if (b == null || b.length > maxBytes) {
      throw new SpaceException(SpaceFailure.of(SpaceFailure.Kind.FILE_REJECTED, "rejected"));
    }
    return b;
  }

  @Override
  public void close() {}

  /** Serves {@code bytes} at {@code url} (a file a Space made before a restart). */
  public FakeSpaceGateway serve(String url, byte[] bytes) {
    files.put(url, bytes);
    return this;
  }

  /** How many calls were submitted so far. */
  public int submitted() {
    return submitted.get();
  }

  /** The next call the engine made, waiting up to 10 s. */
  public FakeCall nextCall() {
    try {
      FakeCall c = calls.poll(10, TimeUnit.SECONDS);
      if (c == null) throw new AssertionError("no call within 10 s");
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A call made already and not taken yet, or null. */
  public FakeCall pollCall() {
    return calls.poll();
  }

  /** One call the test steps by hand. Events go to the engine on the test's thread. */
  public final class FakeCall {
    public final String space;
    public final String endpoint;
    public final List<Object> args;
    private final Listener listener;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    FakeCall(String space, String endpoint, List<Object> args, Listener listener) {
      this.space = space;
      this.endpoint = endpoint;
      this.args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
      this.listener = listener;
    }

    public boolean cancelled() {
      return cancelled.get();
    }

    void cancel() {
      cancelled.set(true);
    }

    public FakeCall waking() {
      listener.onEvent(new SpaceEvent.Waking());
      return this;
    }

    public FakeCall queued(int rank, int size) {
      listener.onEvent(new SpaceEvent.Queued(rank, size, Optional.empty()));
      return this;
    }

    public FakeCall progress(int step, int total) {
      listener.onEvent(
          new SpaceEvent.Progress(List.of(new SpaceEvent.ProgressUnit(step, total, null))));
      return this;
    }

    /** Completes with {@code images} distinct PNG files. */
    public void complete(int images) {
      List<SpaceFile> refs = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        int n = fileCounter.incrementAndGet();
        String url = "http://127.0.0.1/file=" + n + ".png";
        files.put(url, TestImages.png(n));
        refs.add(new SpaceFile(url, null, "image/png"));
      }
      listener.onEvent(new SpaceEvent.Completed(refs));
    }

    /**
     * Completes with one image whose bytes are {@code TestImages.png(which)}: two calls with the
     * same {@code which} make the same image (as two seeds sometimes do).
     */
    public void completeWithImage(int which) {
      String url = "http://127.0.0.1/file=same" + fileCounter.incrementAndGet() + ".png";
      files.put(url, TestImages.png(which));
      listener.onEvent(new SpaceEvent.Completed(List.of(new SpaceFile(url, null, "image/png"))));
    }

    /** Completes with files that are not images. */
    public void completeWithGarbage() {
      String url = "http://127.0.0.1/file=garbage" + fileCounter.incrementAndGet();
      files.put(url, "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      listener.onEvent(new SpaceEvent.Completed(List.of(new SpaceFile(url, null, null))));
    }

    public void fail(SpaceFailure.Kind kind, String detail, Duration retryAfter) {
      listener.onEvent(
          new SpaceEvent.Failed(
              new SpaceFailure(kind, detail, Optional.ofNullable(retryAfter), Optional.empty())));
    }
  }
}
