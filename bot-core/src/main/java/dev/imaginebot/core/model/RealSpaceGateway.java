package dev.imaginebot.core.model;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.HostPolicy;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.JobListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches Spaces through gradio-client: one {@link GradioClient} per Space, created lazily and
 * cached, at most {@code maxClients} of them (the least recently used idle one is closed first).
 * Only hosts a strict {@link HostPolicy} allows are reached: Space ids, {@code https://*.hf.space},
 * the Hub, the Spaces of configured models and the configured {@link
 * GradioSettings#allowedHosts()}. Translates gradio-client's events, failures and files into the
 * core's. Thread-safe; close it to close every client.
 */
public final class RealSpaceGateway implements SpaceGateway {
  private static final Logger log = LoggerFactory.getLogger(RealSpaceGateway.class);
  private static final int DEFAULT_MAX_CLIENTS = 64;

  private final GradioOptions options;
  private final int maxClients;
  private final Object lock = new Object();

  /** Access-ordered: the first entry is the least recently used. Guarded by {@link #lock}. */
  private final Map<String, Cached> clients = new LinkedHashMap<>(16, 0.75f, true);

  /** A cached client and how many calls and downloads use it now. Guarded by {@link #lock}. */
  private static final class Cached {
    final GradioClient client;
    int uses;
    boolean dropped;

    Cached(GradioClient client) {
      this.client = client;
    }
  }

  /** A gateway for {@code config}: its models' Spaces and allowed hosts may be reached. */
  public static RealSpaceGateway forConfig(CoreConfig config) {
    List<String> trusted = new ArrayList<>();
    for (CoreConfig.ModelConfig m : config.models()) {
      for (CoreConfig.BackendConfig b : m.backends()) trusted.add(b.space());
    }
    return new RealSpaceGateway(
        config.gradio(), config.limits().maxImageBytes(), trusted, DEFAULT_MAX_CLIENTS);
  }

  /** A gateway that reaches only what {@code settings} allows. */
  public RealSpaceGateway(GradioSettings settings, long maxImageBytes) {
    this(settings, maxImageBytes, List.of(), DEFAULT_MAX_CLIENTS);
  }

  /**
   * @param trusted Space ids or URLs that may be reached besides what {@code settings} allows (the
   *     configured models' Spaces)
   * @param maxClients how many Space clients are kept at most (more while all are in use)
   */
  public RealSpaceGateway(
      GradioSettings settings, long maxImageBytes, Collection<String> trusted, int maxClients) {
    if (maxClients < 1) throw new IllegalArgumentException("maxClients < 1");
    List<String> allowed = new ArrayList<>(settings.allowedHosts());
    allowed.addAll(trusted);
    GradioOptions.Builder b =
        GradioOptions.builder()
            .hfToken(settings.hfToken())
            .maxDownloadBytes(maxImageBytes)
            .deadline(settings.jobTimeout())
            .heartbeatTimeout(settings.heartbeatTimeout())
            .wakeTimeout(settings.wakeTimeout())
            .hostPolicy(HostPolicy.strict().allowing(allowed));
    if (settings.hubUrl() != null) b.hubUrl(settings.hubUrl());
    this.options = b.build();
    this.maxClients = maxClients;
  }

  @Override
  public Optional<String> refusal(String space) {
    return options.hostPolicy().refusal(Objects.requireNonNull(space, "space == null"));
  }

  /** The cached entry, marked in use; connects (blocking) when there is none. */
  private Cached acquire(String space, JobListener wakeListener) {
    synchronized (lock) {
      Cached existing = clients.get(space);
      if (existing != null) {
        existing.uses++;
        return existing;
      }
    }
    // Connecting blocks (a sleeping Space is woken); other Spaces' clients stay reachable.
    GradioClient created = GradioClient.connect(space, options, wakeListener);
    List<GradioClient> evicted = new ArrayList<>();
    Cached entry;
    synchronized (lock) {
      Cached raced = clients.get(space);
      if (raced != null) {
        evicted.add(created);
        entry = raced;
        entry.uses++;
      } else {
        entry = new Cached(created);
        entry.uses++;
        clients.put(space, entry);
        log.info("Connected to Space {}", space);
        evictIdle(evicted);
      }
    }
    evicted.forEach(GradioClient::close);
    return entry;
  }

  /** Removes least recently used idle clients while there are too many. Holds {@link #lock}. */
  private void evictIdle(List<GradioClient> out) {
    Iterator<Map.Entry<String, Cached>> it = clients.entrySet().iterator();
    while (clients.size() > maxClients && it.hasNext()) {
      Map.Entry<String, Cached> e = it.next();
      if (e.getValue().uses > 0) continue;
      it.remove();
      e.getValue().dropped = true;
      out.add(e.getValue().client);
      log.info("Closed the idle client of Space {} (more than {} cached)", e.getKey(), maxClients);
    }
  }

  private void release(Cached entry) {
    boolean close;
    synchronized (lock) {
      entry.uses--;
      close = entry.dropped && entry.uses == 0;
    }
    if (close) entry.client.close();
  }

  @Override
  public ApiInfo api(String space) {
    return api(space, Listener.NONE);
  }

  @Override
  public ApiInfo api(String space, Listener wakeListener) {
    Objects.requireNonNull(wakeListener, "wakeListener == null");
    Cached c =
        acquire(
            space,
            event -> {
              if (event instanceof Event.Waking) wakeListener.onEvent(new SpaceEvent.Waking());
            });
    try {
      return c.client.api();
    } finally {
      release(c);
    }
  }

  @Override
  public ApiInfo refresh(String space) {
    boolean cached;
    synchronized (lock) {
      cached = clients.containsKey(space);
    }
    Cached c = acquire(space, JobListener.NONE);
    try {
      // A client made just now has read everything already.
      return cached ? c.client.refresh() : c.client.api();
    } finally {
      release(c);
    }
  }

  @Override
  public Call submit(String space, String endpoint, List<Object> args, Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    AtomicBoolean done = new AtomicBoolean();
    JobListener once =
        gradioEvent -> {
          SpaceEvent event = GradioTranslation.event(gradioEvent);
          if (event == null) return;
          if (!event.terminal()) {
            if (!done.get()) listener.onEvent(event);
          } else if (done.compareAndSet(false, true)) {
            listener.onEvent(event);
          }
        };
    Cached c;
    try {
      c = acquire(space, once);
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
              ? c.client.submitOnOwnSession(fnIndex.getAsInt(), arguments, once)
              : c.client.submitOnOwnSession(endpoint, arguments, once);
    } catch (GradioException e) {
      release(c);
      once.onEvent(new Event.Failed(e.failure()));
      return () -> {};
    } catch (IllegalStateException e) {
      release(c);
      if (done.compareAndSet(false, true)) {
        listener.onEvent(
            new SpaceEvent.Failed(
                SpaceFailure.of(SpaceFailure.Kind.CONNECTION_LOST, "the client was closed")));
      }
      return () -> {};
    }
    job.result()
        .whenComplete(
            (prediction, error) -> {
              release(c);
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
              } else if (done.compareAndSet(false, true)) {
                log.warn("Call to {} {} failed unexpectedly", space, endpoint, cause);
                listener.onEvent(
                    new SpaceEvent.Failed(
                        SpaceFailure.of(SpaceFailure.Kind.PROTOCOL_ERROR, "unexpected failure")));
              }
            });
    return job::cancel;
  }

  @Override
  public byte[] download(String space, SpaceFile file, long maxBytes) {
    Objects.requireNonNull(file, "file == null");
    try {
      Cached c = acquire(space, JobListener.NONE);
      try {
        return c.client.download(GradioTranslation.fileRef(file), maxBytes);
      } finally {
        release(c);
      }
    } catch (GradioException e) {
      throw new SpaceException(GradioTranslation.failure(e.failure()));
    }
  }

  /** Forgets a Space's client; it is closed once no call or download uses it. */
  @Override
  public void forget(String space) {
    Cached c;
    synchronized (lock) {
      c = clients.remove(space);
      if (c == null) return;
      c.dropped = true;
      if (c.uses > 0) return;
    }
    c.client.close();
  }

  /** How many Space clients are cached now. */
  int cachedClients() {
    synchronized (lock) {
      return clients.size();
    }
  }

  @Override
  public void close() {
    List<Cached> all;
    synchronized (lock) {
      all = new ArrayList<>(clients.values());
      clients.clear();
    }
    for (Cached c : all) c.client.close();
  }
}
