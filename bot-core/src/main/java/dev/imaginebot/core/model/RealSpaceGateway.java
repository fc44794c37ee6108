package dev.imaginebot.core.model;

import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.JobListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches Spaces through gradio-client: one {@link GradioClient} per Space, created lazily and
 * cached. Thread-safe; close it to close every client.
 */
public final class RealSpaceGateway implements SpaceGateway {
  private static final Logger log = LoggerFactory.getLogger(RealSpaceGateway.class);

  private final GradioOptions options;
  private final Map<String, GradioClient> clients = new ConcurrentHashMap<>();
  private final Object connectLock = new Object();

  public RealSpaceGateway(GradioSettings settings, long maxImageBytes) {
    GradioOptions.Builder b =
        GradioOptions.builder()
            .hfToken(settings.hfToken())
            .maxDownloadBytes(maxImageBytes)
            .deadline(settings.jobTimeout())
            .heartbeatTimeout(settings.heartbeatTimeout())
            .wakeTimeout(settings.wakeTimeout());
    if (settings.hubUrl() != null) b.hubUrl(settings.hubUrl());
    this.options = b.build();
  }

  private GradioClient client(String space, JobListener wakeListener) {
    GradioClient existing = clients.get(space);
    if (existing != null) return existing;
    // Connecting blocks (a sleeping Space is woken); other Spaces' clients stay reachable.
    GradioClient created = GradioClient.connect(space, options, wakeListener);
    synchronized (connectLock) {
      GradioClient raced = clients.putIfAbsent(space, created);
      if (raced != null) {
        created.close();
        return raced;
      }
    }
    log.info("Connected to Space {}", space);
    return created;
  }

  @Override
  public ApiInfo api(String space) {
    return client(space, JobListener.NONE).api();
  }

  @Override
  public ApiInfo api(String space, JobListener wakeListener) {
    return client(space, wakeListener).api();
  }

  @Override
  public Call submit(String space, String endpoint, List<Object> args, JobListener listener) {
    AtomicBoolean done = new AtomicBoolean();
    JobListener once =
        event -> {
          if (!event.terminal()) {
            if (!done.get()) listener.onEvent(event);
          } else if (done.compareAndSet(false, true)) {
            listener.onEvent(event);
          }
        };
    GradioClient client;
    try {
      client = client(space, once);
    } catch (GradioException e) {
      once.onEvent(new Event.Failed(e.failure()));
      return () -> {};
    }
    Job job;
    try {
      // A session of its own per job: Gradio cancels per session and endpoint, so on a shared
      // session a cancel would stop every running job of this endpoint, and the client then only
      // cancels locally while the Space runs the job to the end.
      Arguments arguments = new Arguments(args, Map.of());
      var fnIndex = SpaceMapping.fnIndex(endpoint);
      job =
          fnIndex.isPresent()
              ? client.submitOnOwnSession(fnIndex.getAsInt(), arguments, once)
              : client.submitOnOwnSession(endpoint, arguments, once);
    } catch (GradioException e) {
      once.onEvent(new Event.Failed(e.failure()));
      return () -> {};
    }
    job.result()
        .whenComplete(
            (prediction, error) -> {
              if (error == null) {
                once.onEvent(new Event.Completed(prediction));
                return;
              }
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof GradioException g) {
                once.onEvent(new Event.Failed(g.failure()));
              } else {
                log.warn("Call to {} {} failed unexpectedly", space, endpoint, cause);
                once.onEvent(
                    new Event.Failed(Failure.of(FailureCode.PROTOCOL_ERROR, "unexpected failure")));
              }
            });
    return job::cancel;
  }

  @Override
  public byte[] download(String space, FileRef file, long maxBytes) {
    return client(space, JobListener.NONE).download(file, maxBytes);
  }

  @Override
  public void forget(String space) {
    GradioClient c = clients.remove(space);
    if (c != null) c.close();
  }

  @Override
  public void close() {
    for (String space : List.copyOf(clients.keySet())) forget(space);
  }
}
