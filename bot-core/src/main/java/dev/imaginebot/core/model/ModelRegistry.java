package dev.imaginebot.core.model;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.DaemonThreads;
import dev.imaginebot.core.store.ModelStore;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models users can name: configured ones, then those admins added (kept in a {@link
 * ModelStore}). Reads each Space's API to map it ({@link Onboarding}), at start-up in the
 * background, on a schedule and after failures that suggest the API changed. Thread-safe; close it
 * to stop the checks.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

  private final List<ModelConfig> configured;
  private final ModelStore store;
  private final SpaceGateway gateway;
  private final Clock clock;
  private final ExecutorService checks;
  private volatile Map<String, Model> models = Map.of();
  // Models a chat's admin added, by chat key: seen and resolved in that chat only.
  private volatile Map<String, Map<String, Model>> chatModels = Map.of();
  private ScheduledExecutorService schedule;

  /**
   * @param store where admin-added models live, or null for none
   */
  public ModelRegistry(
      List<ModelConfig> configured, ModelStore store, SpaceGateway gateway, Clock clock) {
    this.configured = List.copyOf(configured);
    this.store = store;
    this.gateway = gateway;
    this.clock = clock;
    this.checks = Executors.newSingleThreadExecutor(DaemonThreads.named("imagine-drift-check"));
    reload();
  }

  /** Re-reads the model list (after an admin added or removed one), keeping known backends. */
  public synchronized void reload() {
    Map<String, Model> old = models;
    Map<String, Model> next = new LinkedHashMap<>();
    for (ModelConfig c : configured) next.put(c.alias(), build(c, true, old));
    if (store != null) {
      for (ModelConfig c : store.all()) next.putIfAbsent(c.alias(), build(c, false, old));
    }
    models = next;
    chatModels = buildChatModels();
  }

  private Map<String, Map<String, Model>> buildChatModels() {
    if (store == null) return Map.of();
    Map<String, Map<String, Model>> old = chatModels;
    Map<String, Map<String, Model>> next = new LinkedHashMap<>();
    for (Map.Entry<String, List<ModelConfig>> chat : store.allInChats().entrySet()) {
      Map<String, Model> previous = old.getOrDefault(chat.getKey(), Map.of());
      Map<String, Model> mine = new LinkedHashMap<>();
      for (ModelConfig c : chat.getValue()) mine.put(c.alias(), build(c, false, previous));
      next.put(chat.getKey(), Map.copyOf(mine));
    }
    return next;
  }

  private Model build(ModelConfig c, boolean isConfigured, Map<String, Model> old) {
    Model previous = old.get(c.alias());
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < c.backends().size(); i++) {
      BackendConfig b = c.backends().get(i);
      Backend reuse = null;
      if (previous != null
          && i < previous.backends().size()
          && previous.backends().get(i).config().equals(b)) {
        reuse = previous.backends().get(i);
      }
      backends.add(reuse != null ? reuse : new Backend(c.alias(), i, b));
    }
    return new Model(c.alias(), c.displayName(), backends, isConfigured);
  }

  /** All models, configured first. */
  public List<Model> models() {
    return List.copyOf(models.values());
  }

  /** Model aliases, in display order. */
  public List<String> aliases() {
    return List.copyOf(models.keySet());
  }

  /** The model with this alias (case-insensitive). */
  public Optional<Model> find(String alias) {
    if (alias == null) return Optional.empty();
    Model exact = models.get(alias);
    if (exact != null) return Optional.of(exact);
    return models.values().stream().filter(m -> m.alias().equalsIgnoreCase(alias)).findFirst();
  }

  /**
   * The model with this alias as seen in the chat {@code chatKey}: a global model first, else one
   * that chat's admins added. A null chat sees global models only.
   */
  public Optional<Model> find(String alias, String chatKey) {
    Optional<Model> global = find(alias);
    if (global.isPresent() || alias == null || chatKey == null) return global;
    return findIn(chatModels.getOrDefault(chatKey, Map.of()), alias);
  }

  /** The model with this alias that the chat's admins added (not a global one). */
  public Optional<Model> chatModel(String chatKey, String alias) {
    if (alias == null || chatKey == null) return Optional.empty();
    return findIn(chatModels.getOrDefault(chatKey, Map.of()), alias);
  }

  /** The models seen in a chat: global ones, then those its admins added. */
  public List<Model> models(String chatKey) {
    List<Model> out = new ArrayList<>(models.values());
    if (chatKey != null) {
      for (Model m : chatModels.getOrDefault(chatKey, Map.of()).values()) {
        if (!models.containsKey(m.alias())) out.add(m);
      }
    }
    return out;
  }

  /** The aliases seen in a chat, in display order. */
  public List<String> aliases(String chatKey) {
    return models(chatKey).stream().map(Model::alias).toList();
  }

  private static Optional<Model> findIn(Map<String, Model> in, String alias) {
    Model exact = in.get(alias);
    if (exact != null) return Optional.of(exact);
    return in.values().stream().filter(m -> m.alias().equalsIgnoreCase(alias)).findFirst();
  }

  /** A model's health: ok if a backend is usable, else cooling, unknown or degraded. */
  public BackendStatus status(Model model) {
    Instant now = clock.instant();
    BackendStatus cooling = null;
    BackendStatus unknown = null;
    BackendStatus degraded = null;
    for (Backend b : model.backends()) {
      BackendStatus s = b.status(now);
      switch (s.kind()) {
        case OK:
          return s;
        case COOLING:
          if (cooling == null || s.until().isBefore(cooling.until())) cooling = s;
          break;
        case UNKNOWN:
          if (unknown == null) unknown = s;
          break;
        default:
          if (degraded == null) degraded = s;
      }
    }
    if (unknown != null) return unknown;
    if (cooling != null) return cooling;
    return degraded != null
        ? degraded
        : BackendStatus.degraded(BackendStatus.Cause.NO_BACKENDS, "no backends");
  }

  /**
   * What reading a Space for an admin found: a mapping or a mapping problem ({@code result}), or a
   * failure to reach it ({@code failure} with the internal {@code detail}, for the log only).
   */
  public record Probe(Onboarding.Result result, FailureCode failure, String detail) {
    /** Whether a usable mapping was found. */
    public boolean ok() {
      return result != null && result.ok();
    }
  }

  /**
   * Reads a Space's API now and maps it, without keeping anything (for admins adding a model).
   * Blocks while the Space is reached; a Space the host policy refuses is not contacted at all.
   */
  public Probe probe(BackendConfig backend) {
    String space = backend.space();
    Optional<String> refusal = gateway.refusal(space);
    if (refusal.isPresent()) return new Probe(null, FailureCode.HOST_REFUSED, refusal.get());
    Probe probe;
    try {
      probe = new Probe(Onboarding.map(gateway.api(space), backend), null, null);
    } catch (GradioException e) {
      probe = new Probe(null, e.failure().code(), e.failure().message());
    }
    if (!probe.ok() && !inUse(space)) gateway.forget(space);
    return probe;
  }

  private boolean inUse(String space) {
    List<Model> all = new ArrayList<>(models.values());
    for (Map<String, Model> chat : chatModels.values()) all.addAll(chat.values());
    for (Model m : all) {
      for (Backend b : m.backends()) if (b.space().equals(space)) return true;
    }
    return false;
  }

  /**
   * Reads one backend's API now and updates its mapping and status. Blocks while the Space is
   * reached. Returns the mapping, or null when there is none.
   */
  public SpaceMapping check(Backend backend) {
    return check(backend, SpaceGateway.Listener.NONE);
  }

  /**
   * Like {@link #check(Backend)}, for a job waiting on the result: {@code wakeListener} hears when
   * the Space has to be woken first.
   */
  public SpaceMapping check(Backend backend, SpaceGateway.Listener wakeListener) {
    return check(backend, wakeListener, false);
  }

  /** {@code fresh}: re-read the Space's API now rather than take a connection's copy. */
  private SpaceMapping check(Backend backend, SpaceGateway.Listener wakeListener, boolean fresh) {
    try {
      ApiInfo api =
          fresh ? gateway.refresh(backend.space()) : gateway.api(backend.space(), wakeListener);
      Onboarding.Result r = Onboarding.map(api, backend.config());
      backend.checked(r);
      if (!r.ok()) log.warn("Backend {} degraded: {}", backend, r.problem());
      return r.mapping();
    } catch (GradioException e) {
      FailureCode code = e.failure().code();
      backend.readFailed(GradioTranslation.failure(e.failure()));
      if (code == FailureCode.SPACE_NOT_FOUND) {
        backend.degrade(BackendStatus.Cause.SPACE_NOT_FOUND, "Space not found");
      } else if (code == FailureCode.HOST_REFUSED) {
        // An added model whose host the configuration no longer allows (spaces.allow).
        backend.degrade(
            BackendStatus.Cause.HOST_NOT_ALLOWED, "host not allowed by the configuration");
      }
      log.info("Could not read the API of {}: {}", backend, e.getMessage());
      return backend.mapping();
    }
  }

  /**
   * Re-reads a backend's API in the background (after an endpoint or validation failure), in place:
   * jobs running on the Space go on.
   */
  public void checkLater(Backend backend) {
    if (checks.isShutdown()) return;
    checks.execute(() -> check(backend, SpaceGateway.Listener.NONE, true));
  }

  /** Checks every backend in the background now, then every {@code interval}. */
  public synchronized void startChecks(Duration interval) {
    if (schedule != null) return;
    schedule =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("imagine-drift-schedule"));
    long millis = Math.max(1000, interval.toMillis());
    // The first round reads each API once at start-up; later rounds re-read what is cached.
    schedule.execute(() -> checkAllLater(false));
    schedule.scheduleWithFixedDelay(
        () -> checkAllLater(true), millis, millis, TimeUnit.MILLISECONDS);
  }

  private void checkAllLater(boolean fresh) {
    List<Model> all = new ArrayList<>(models());
    for (Map<String, Model> chat : chatModels.values()) all.addAll(chat.values());
    for (Model m : all) {
      for (Backend b : m.backends()) {
        if (!checks.isShutdown()) checks.execute(() -> check(b, SpaceGateway.Listener.NONE, fresh));
      }
    }
  }

  @Override
  public synchronized void close() {
    if (schedule != null) schedule.shutdownNow();
    checks.shutdownNow();
  }
}
