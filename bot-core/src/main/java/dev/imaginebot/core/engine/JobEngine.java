package dev.imaginebot.core.engine;

import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.Backend;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.Model;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.model.SpaceMapping;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobRecord;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.Recovery;
import dev.imaginebot.core.store.ResultFile;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's own job queue. Fair: users take turns (round-robin), each within per-user caps for
 * running and waiting jobs, each backend within its concurrency, all within a global cap. Moves a
 * job to a model's next backend when a Space is out of quota, down, full or too slow, cooling the
 * failing one down. Persists every state change through {@link JobStore} and reports coalesced
 * events to each job's {@link JobView}.
 *
 * <p>Thread-safe; {@link #submit} returns at once. Views are called on engine threads. Owns a
 * bounded executor; close it to stop.
 */
public final class JobEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEngine.class);

  /** Most images one job delivers: what a Discord message or a Telegram album can carry. */
  static final int MAX_IMAGES = 10;

  /**
   * How often one job is resubmitted after restarts cut it on a Space before it is given up: a job
   * that keeps crashing the bot (say, an image too large to decode) must not take every later start
   * down with it.
   */
  static final int MAX_RESTARTS = 5;

  /** Seeds the bot chooses lie in [0, 2^31): every Space's seed slider allows that much or less. */
  private static final long PLANNED_SEED_BOUND = 1L << 31;

  private static final Set<FailureCode> FAILOVER =
      EnumSet.of(
          FailureCode.QUOTA_EXCEEDED,
          FailureCode.SPACE_NOT_RUNNING,
          FailureCode.SPACE_NOT_FOUND,
          FailureCode.CONNECTION_LOST,
          FailureCode.QUEUE_FULL,
          FailureCode.QUEUE_STOPPED,
          FailureCode.RATE_LIMITED,
          FailureCode.TIMEOUT,
          FailureCode.AUTH_REQUIRED,
          FailureCode.AUTH_DENIED,
          FailureCode.ENDPOINT_NOT_FOUND,
          FailureCode.PROTOCOL_ERROR);

  private final JobStore jobs;
  private final ImageStore images;
  private final ModelRegistry registry;
  private final SpaceGateway gateway;
  private final Limits limits;
  private final Duration progressInterval;
  private final int maxWaiting;
  private final Timer timer;
  private final Clock clock;
  private final ExecutorService workers;

  private final Object lock = new Object();
  private final Map<String, UserQueue> users = new HashMap<>();
  private final ArrayDeque<UserQueue> rotation = new ArrayDeque<>();
  private final Map<Long, Entry> active = new LinkedHashMap<>();
  private final Map<Backend, Integer> backendRunning = new IdentityHashMap<>();
  private int running;
  private int waiting;
  private boolean accepting = true;
  private boolean closed;

  /** The outcome of {@link #submit}: a job id, or a refusal with message arguments. */
  public record Submitted(long jobId, ErrorCode error, List<Object> args, boolean fresh) {
    public Submitted {
      args = List.copyOf(args);
    }

    public Submitted(long jobId, ErrorCode error, List<Object> args) {
      this(jobId, error, args, error == null);
    }

    public boolean ok() {
      return error == null;
    }

    /** The job made earlier for the same command. */
    static Submitted repeated(long jobId) {
      return new Submitted(jobId, null, List.of(), false);
    }

    static Submitted refused(ErrorCode code, Object... args) {
      return new Submitted(0, code, Arrays.asList(args));
    }
  }

  /** The outcome of {@link #cancel}. */
  public enum CancelOutcome {
    CANCELLED,
    NOT_FOUND,
    NOT_ALLOWED
  }

  /**
   * @param maxWaiting jobs waiting across all users beyond which new ones get {@code BOT_BUSY}
   */
  public JobEngine(
      JobStore jobs,
      ImageStore images,
      ModelRegistry registry,
      SpaceGateway gateway,
      Limits limits,
      Duration progressInterval,
      int maxWaiting) {
    this(
        jobs,
        images,
        registry,
        gateway,
        limits,
        progressInterval,
        maxWaiting,
        new ScheduledTimer(),
        Clock.systemUTC());
  }

  JobEngine(
      JobStore jobs,
      ImageStore images,
      ModelRegistry registry,
      SpaceGateway gateway,
      Limits limits,
      Duration progressInterval,
      int maxWaiting,
      Timer timer,
      Clock clock) {
    this.jobs = Objects.requireNonNull(jobs, "jobs == null");
    this.images = Objects.requireNonNull(images, "images == null");
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.gateway = Objects.requireNonNull(gateway, "gateway == null");
    this.limits = Objects.requireNonNull(limits, "limits == null");
    this.progressInterval = Objects.requireNonNull(progressInterval, "progressInterval == null");
    this.maxWaiting = maxWaiting;
    this.timer = timer;
    this.clock = clock;
    int threads = Math.max(4, Math.min(64, limits.globalRunning() * 2));
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "imagine-job-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    this.workers = pool;
  }

  /**
   * Queues a request whose model is already resolved ({@code request.model()} names a model).
   * Returns at once; {@code Accepted} goes to {@code view} before this returns.
   */
  public Submitted submit(
      UserRef user, ChatRef chat, String replyRef, GenerationRequest request, JobView view) {
    return submit(user, chat, replyRef, request, view, null);
  }

  /**
   * Like {@link #submit(UserRef, ChatRef, String, GenerationRequest, JobView)}, for a command from
   * the platform update {@code commandKey}: when a job was made for that update before (the update
   * was handled again after a crash), returns that job's id with {@code fresh} false and queues
   * nothing (the job resumes through {@link #resume(Recovery, JobView)}).
   */
  public Submitted submit(
      UserRef user,
      ChatRef chat,
      String replyRef,
      GenerationRequest request,
      JobView view,
      String commandKey) {
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(request.model(), "request.model() == null");
    Optional<Model> found = registry.find(request.model());
    if (found.isEmpty()) {
      return Submitted.refused(
          ErrorCode.UNKNOWN_MODEL, request.model(), String.join(", ", registry.aliases()));
    }
    Model model = found.get();
    BackendStatus status = registry.status(model);
    if (status.kind() == BackendStatus.Kind.DEGRADED) {
      return Submitted.refused(ErrorCode.MODEL_DEGRADED, status.reason());
    }
    Entry entry;
    int position;
    synchronized (lock) {
      if (!accepting) return Submitted.refused(ErrorCode.BOT_BUSY);
      UserQueue uq = users.get(user.key());
      if (uq != null && uq.waiting.size() >= limits.perUserWaiting()) {
        return Submitted.refused(ErrorCode.USER_LIMIT, limits.perUserWaiting());
      }
      if (waiting >= maxWaiting) return Submitted.refused(ErrorCode.BOT_BUSY);
      // The seed is fixed now, so that every submission of this job (after a failover or a
      // restart) makes the same image.
      Long planned =
          request.seed() != null ? null : ThreadLocalRandom.current().nextLong(PLANNED_SEED_BOUND);
      JobStore.Created created =
          jobs.create(
              user,
              chat,
              replyRef,
              request.withModel(model.alias()),
              model.alias(),
              commandKey,
              planned);
      JobRecord record = created.job();
      if (!created.fresh()) return Submitted.repeated(record.id());
      entry =
          new Entry(
              record.id(),
              user.key(),
              model,
              record.request(),
              sink(record.id(), view),
              clock.instant());
      entry.plannedSeed = planned;
      position = enqueue(entry, false);
    }
    jobs.markQueuePosition(entry.id, position);
    entry.sink.emit(new JobEvent.Accepted(entry.id, position, model.alias()));
    dispatch();
    return new Submitted(entry.id, null, List.of());
  }

  /**
   * Takes back a job left unfinished by a previous run: queued jobs re-enter the queue; jobs that
   * were on a Space are resubmitted with the same seed and parameters (a Space forgets a job whose
   * event stream was cut, so it cannot be re-attached), one restart counted; jobs whose Space had
   * already finished only download the Space's output, never run again.
   */
  public void resume(JobRecord record, JobView view) {
    resume(new Recovery(record, null, 0, List.of(), false), view);
  }

  /**
   * Takes back what a previous run left: an unfinished job (see {@link #resume(JobRecord,
   * JobView)}), or a finished one whose outcome its user was not shown yet, which is shown now.
   */
  public void resume(Recovery recovery, JobView view) {
    JobRecord record = recovery.job();
    EventSink sink = sink(record.id(), view);
    if (record.state().terminal()) {
      if (!recovery.delivered()) sink.emit(outcome(record));
      return;
    }
    Optional<Model> model = registry.find(record.model());
    if (model.isEmpty()) {
      // The one case where the job cannot be recovered: say so once, with what to do.
      jobs.markFailed(record.id(), ErrorCode.BOT_RESTARTED.name(), "model removed");
      sink.emit(new JobEvent.Failed(record.id(), ErrorCode.BOT_RESTARTED, "", Optional.empty()));
      return;
    }
    boolean onSpace = record.state() != JobState.QUEUED;
    if (onSpace && recovery.resultFiles().isEmpty()) {
      if (recovery.restarts() >= MAX_RESTARTS) {
        jobs.markFailed(record.id(), ErrorCode.BOT_RESTARTED.name(), "cut by too many restarts");
        sink.emit(new JobEvent.Failed(record.id(), ErrorCode.BOT_RESTARTED, "", Optional.empty()));
        return;
      }
      jobs.markRestarted(record.id());
    }
    Entry entry =
        new Entry(
            record.id(),
            record.userKey(),
            model.get(),
            record.request(),
            sink,
            record.createdAt() == null ? clock.instant() : record.createdAt());
    entry.plannedSeed = recovery.plannedSeed();
    if (onSpace && !recovery.resultFiles().isEmpty()) {
      Backend backend = backendNamed(model.get(), record.backend());
      if (backend != null) {
        int token;
        synchronized (lock) {
          if (closed) return;
          active.put(entry.id, entry);
          entry.backend = backend;
          token = entry.token;
        }
        // Every variation asked for was made; only the download is left.
        entry.calls = Math.max(1, record.request().count());
        SpaceMapping mapping = backend.mapping();
        if (mapping != null && mapping.takesSeed()) {
          Long wanted = record.request().seed();
          long max = mapping.maxSeed();
          entry.firstSeed =
              wanted != null
                  ? Math.min(max, wanted)
                  : recovery.plannedSeed() == null
                      ? null
                      : Math.floorMod(recovery.plannedSeed(), max + 1);
        }
        List<FileRef> files = new ArrayList<>();
        for (ResultFile f : recovery.resultFiles()) {
          files.add(new FileRef(f.url(), f.path(), null, f.mimeType(), null));
        }
        execute(() -> guarded(entry, () -> collect(entry, token, files)));
        return;
      }
      jobs.markRestarted(record.id());
    }
    int position;
    synchronized (lock) {
      if (closed) return;
      position = enqueue(entry, false);
    }
    jobs.markQueuePosition(entry.id, position);
    sink.emit(new JobEvent.Accepted(entry.id, position, entry.model.alias()));
    dispatch();
  }

  private static Backend backendNamed(Model model, String space) {
    if (space == null) return null;
    for (Backend b : model.backends()) {
      if (b.space().equals(space)) return b;
    }
    return null;
  }

  /** The terminal event a finished job ended with, rebuilt from its record. */
  private static JobEvent outcome(JobRecord r) {
    switch (r.state()) {
      case SUCCEEDED:
        Instant end = r.finishedAt() == null ? r.createdAt() : r.finishedAt();
        return new JobEvent.Completed(
            r.id(),
            r.request().prompt(),
            r.model(),
            r.seed(),
            Duration.between(r.createdAt(), end),
            r.images());
      case CANCELLED:
        return new JobEvent.Cancelled(r.id());
      default:
        ErrorCode code;
        try {
          code = r.errorCode() == null ? ErrorCode.INTERNAL : ErrorCode.valueOf(r.errorCode());
        } catch (IllegalArgumentException unknown) {
          code = ErrorCode.INTERNAL;
        }
        return new JobEvent.Failed(r.id(), code, "", Optional.empty());
    }
  }

  /** Cancels a waiting or running job: the owner's own, or any when {@code admin}. */
  public CancelOutcome cancel(long jobId, String actorKey, boolean admin) {
    Entry e;
    synchronized (lock) {
      e = active.get(jobId);
      if (e == null) return CancelOutcome.NOT_FOUND;
      if (!admin && !e.userKey.equals(actorKey)) return CancelOutcome.NOT_ALLOWED;
      if (!finish(e)) return CancelOutcome.NOT_FOUND;
    }
    SpaceGateway.Call call = e.call;
    if (call != null) call.cancel();
    jobs.markCancelled(jobId);
    e.sink.emit(new JobEvent.Cancelled(jobId));
    dispatch();
    return CancelOutcome.CANCELLED;
  }

  /** A user's waiting and running jobs, oldest first. */
  public List<Long> active(String userKey) {
    synchronized (lock) {
      List<Long> out = new ArrayList<>();
      for (Entry e : active.values()) {
        if (e.userKey.equals(userKey)) out.add(e.id);
      }
      return out;
    }
  }

  /** Jobs waiting in the bot's queue. */
  public int waiting() {
    synchronized (lock) {
      return waiting;
    }
  }

  /** Jobs running on Spaces. */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }

  /**
   * Stops taking and starting jobs, waits up to {@code deadline} for running ones to finish, then
   * stops. Jobs not finished stay in the store, resumable by the next run.
   */
  public void shutdown(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (lock) {
      accepting = false;
      try {
        while (running > 0) {
          long left = end - System.nanoTime();
          if (left <= 0) break;
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  /**
   * Stops at once: nothing more is started, persisted or reported; unfinished jobs stay resumable.
   */
  @Override
  public void close() {
    synchronized (lock) {
      accepting = false;
      closed = true;
      lock.notifyAll();
    }
    // Let workers finish what they are doing (a database write, a download) instead of
    // interrupting them: an interrupt inside H2's file channel can leave the database unopenable.
    // Closed jobs persist nothing more, so this wait is short.
    workers.shutdown();
    timer.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("Job workers still busy 10 s after shutdown; interrupting them");
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private EventSink sink(long id, JobView view) {
    return new EventSink(id, view, progressInterval, timer, clock, () -> delivered(id));
  }

  /** The user was shown a job's outcome: the next start need not show it again. */
  private void delivered(long id) {
    try {
      jobs.markDelivered(id);
    } catch (RuntimeException e) {
      // The database may be closed after a stop that did not wait: the next start delivers again.
      log.debug("Job {} delivered but not recorded: {}", id, e.toString());
    }
  }

  /** Adds to the user's queue; returns the position in the bot's queue. Holds the lock. */
  private int enqueue(Entry e, boolean front) {
    UserQueue uq = users.computeIfAbsent(e.userKey, UserQueue::new);
    int own = uq.waiting.size();
    if (front) uq.waiting.addFirst(e);
    else uq.waiting.addLast(e);
    active.put(e.id, e);
    waiting++;
    // A user with nothing running has had no turn lately: they go first, ahead of users who
    // were just served (who went to the back).
    boolean first = front || (!uq.inRotation && uq.running == 0);
    if (!uq.inRotation) {
      uq.inRotation = true;
      if (first) rotation.addFirst(uq);
      else rotation.addLast(uq);
    }
    if (front) return 0;
    // Round-robin: every other user gets up to `own` (or `own + 1` when ahead in the rotation)
    // turns before this job.
    int ahead = own;
    boolean before = true;
    for (UserQueue other : rotation) {
      if (other == uq) {
        before = false;
        continue;
      }
      ahead += Math.min(other.waiting.size(), before ? own + 1 : own);
    }
    return ahead;
  }

  /** Starts what may start now. */
  private void dispatch() {
    List<Entry> starts = new ArrayList<>();
    List<Entry> stuck = new ArrayList<>();
    synchronized (lock) {
      if (!accepting && !closed) {
        // Shutting down: let running jobs finish, start nothing new.
        return;
      }
      if (closed) return;
      Instant now = clock.instant();
      boolean moved = true;
      while (moved && running < limits.globalRunning() && !rotation.isEmpty()) {
        moved = false;
        int n = rotation.size();
        for (int i = 0; i < n && running < limits.globalRunning(); i++) {
          UserQueue uq = rotation.pollFirst();
          uq.inRotation = false;
          Entry e = uq.waiting.peekFirst();
          if (e != null && uq.running < limits.perUserRunning()) {
            Backend b = pick(e, now);
            if (b == null) {
              uq.waiting.pollFirst();
              waiting--;
              stuck.add(e);
              moved = true;
            } else if (backendRunning.getOrDefault(b, 0) < b.concurrency()) {
              uq.waiting.pollFirst();
              waiting--;
              uq.running++;
              running++;
              backendRunning.merge(b, 1, Integer::sum);
              e.backend = b;
              e.running = true;
              e.token++;
              starts.add(e);
              moved = true;
            }
          }
          if (!uq.waiting.isEmpty()) {
            uq.inRotation = true;
            rotation.addLast(uq);
          } else if (uq.running == 0) {
            users.remove(uq.userKey);
          }
        }
      }
    }
    for (Entry e : stuck) noBackend(e);
    for (Entry e : starts) {
      int token = e.token;
      execute(() -> guarded(e, () -> start(e, token)));
    }
  }

  /**
   * Hands work to a worker. Once the engine is closing, work that races with the shutdown is
   * dropped: the job's persisted state is unchanged, so it resumes at the next start.
   */
  private void execute(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException x) {
      synchronized (lock) {
        if (!closed && accepting) throw x;
      }
      log.debug("Engine closing; work left for the next start");
    }
  }

  /** The first untried usable backend, or null when none is left. */
  private static Backend pick(Entry e, Instant now) {
    for (Backend b : e.model.backends()) {
      if (!e.tried.contains(b) && b.usable(now)) return b;
    }
    return null;
  }

  private void noBackend(Entry e) {
    Instant now = clock.instant();
    Instant soonest = null;
    String degraded = null;
    for (Backend b : e.model.backends()) {
      BackendStatus s = b.status(now);
      if (s.kind() == BackendStatus.Kind.COOLING
          && (soonest == null || s.until().isBefore(soonest))) {
        soonest = s.until();
      }
      if (s.kind() == BackendStatus.Kind.DEGRADED && degraded == null) degraded = s.reason();
    }
    Optional<Duration> retry =
        soonest == null ? Optional.empty() : Optional.of(Duration.between(now, soonest));
    ErrorCode code = e.lastError;
    if (code == null) {
      code = soonest != null ? ErrorCode.SPACE_DOWN : ErrorCode.MODEL_DEGRADED;
    }
    String detail = e.lastDetail;
    if (code == ErrorCode.MODEL_DEGRADED && detail == null) detail = degraded;
    if (code == ErrorCode.QUOTA_EXCEEDED) detail = alternative(e.model.alias());
    fail(e, code, detail, retry, e.lastMessage != null ? e.lastMessage : "no usable backend");
  }

  private String alternative(String alias) {
    for (Model m : registry.models()) {
      if (m.alias().equals(alias)) continue;
      BackendStatus.Kind k = registry.status(m).kind();
      if (k == BackendStatus.Kind.OK || k == BackendStatus.Kind.UNKNOWN) return m.alias();
    }
    return "";
  }

  /** Runs on a worker: maps the request onto the backend and calls the Space. */
  private void start(Entry e, int token) {
    Backend b = e.backend;
    SpaceMapping mapping = b.mapping();
    if (mapping == null) {
      // Reading the API is what wakes a sleeping Space: let the user see that it is waking.
      mapping =
          registry.check(
              b,
              event -> {
                if (event instanceof Event.Waking && !stale(e, token)) {
                  e.sink.emit(new JobEvent.Waking(e.id, e.model.alias()));
                }
              });
    }
    if (stale(e, token)) return;
    if (mapping == null) {
      BackendStatus s = b.status(clock.instant());
      if (s.kind() == BackendStatus.Kind.DEGRADED) {
        retryElsewhere(e, token, ErrorCode.MODEL_DEGRADED, s.reason(), s.reason());
      } else {
        attemptFailed(
            e,
            token,
            Failure.of(FailureCode.SPACE_NOT_RUNNING, "the Space's API could not be read"));
      }
      return;
    }
    jobs.markSubmitted(e.id, b.space());
    e.mapping = mapping;
    call(e, token);
  }

  private void call(Entry e, int token) {
    SpaceMapping mapping = e.mapping;
    Long seed = null;
    if (mapping.takesSeed()) {
      long max = mapping.maxSeed();
      Long wanted = e.request.seed();
      if (wanted != null) seed = mapping.seed(wanted, e.calls);
      else if (e.plannedSeed != null) seed = Math.floorMod(e.plannedSeed + e.calls, max + 1);
      else seed = ThreadLocalRandom.current().nextLong(0, max + 1);
    }
    if (e.firstSeed == null) e.firstSeed = seed;
    e.calls++;
    List<Object> args = mapping.arguments(e.request, seed);
    SpaceGateway.Call call =
        gateway.submit(
            e.backend.space(), mapping.endpoint(), args, event -> onSpaceEvent(e, token, event));
    boolean cancelNow;
    synchronized (lock) {
      cancelNow = e.done || e.token != token;
      if (!cancelNow) e.call = call;
    }
    if (cancelNow) call.cancel();
  }

  private void onSpaceEvent(Entry e, int token, Event event) {
    if (stale(e, token)) return;
    if (event instanceof Event.Waking) {
      e.sink.emit(new JobEvent.Waking(e.id, e.model.alias()));
    } else if (event instanceof Event.Queued q) {
      e.sink.emit(new JobEvent.SpaceQueued(e.id, q.rank(), q.queueSize(), q.eta()));
    } else if (event instanceof Event.Started) {
      markRunning(e);
      e.sink.emit(new JobEvent.Progress(e.id, null, null, null));
    } else if (event instanceof Event.Progress p) {
      markRunning(e);
      Event.ProgressUnit unit = p.units().isEmpty() ? null : p.units().get(0);
      if (unit != null) {
        e.sink.emit(new JobEvent.Progress(e.id, unit.index(), unit.length(), unit.fraction()));
      }
    } else if (event instanceof Event.Completed c) {
      List<FileRef> files = c.prediction().files();
      execute(() -> guarded(e, () -> collect(e, token, files)));
    } else if (event instanceof Event.Failed f) {
      execute(() -> guarded(e, () -> attemptFailed(e, token, f.failure())));
    } else if (event instanceof Event.Cancelled) {
      execute(
          () ->
              guarded(
                  e,
                  () ->
                      attemptFailed(
                          e,
                          token,
                          Failure.of(FailureCode.CONNECTION_LOST, "the Space cancelled the job"))));
    }
  }

  private void markRunning(Entry e) {
    if (!e.markedRunning) {
      e.markedRunning = true;
      jobs.markRunning(e.id);
    }
  }

  /** Runs on a worker: downloads and stores the images, or calls again for more variations. */
  private void collect(Entry e, int token, List<FileRef> files) {
    if (!files.isEmpty() && !stale(e, token)) {
      // Stored before downloading: a restart from here on downloads, it does not run the job again.
      for (FileRef f : files) e.resultFiles.add(new ResultFile(f.url(), f.path(), f.mimeType()));
      jobs.saveResultFiles(e.id, e.resultFiles);
    }
    boolean rejected = false;
    int before = e.images.size();
    // A Space that returns several images per call (a Midjourney-style gallery) gives them all on
    // the first call; further calls for variations only top up to the count asked for.
    int keep = e.calls <= 1 ? Math.max(MAX_IMAGES, e.request.count()) : e.request.count();
    for (FileRef f : files) {
      if (e.images.size() >= keep) break;
      byte[] bytes;
      try {
        bytes = gateway.download(e.backend.space(), f, limits.maxImageBytes());
      } catch (GradioException g) {
        rejected |= g.failure().code() == FailureCode.FILE_REJECTED;
        log.info("Job {}: could not download {}: {}", e.id, f.url(), g.getMessage());
        continue;
      }
      try {
        StoredImage image = images.store(bytes);
        if (e.images.stream().noneMatch(i -> i.sha256().equals(image.sha256())))
          e.images.add(image);
      } catch (ImageStore.NotAnImageException x) {
        log.info("Job {}: output {} is not an image", e.id, f.url());
      }
    }
    if (stale(e, token)) return;
    boolean gotSome = e.images.size() > before;
    if (gotSome && e.images.size() < e.request.count() && e.calls < e.request.count()) {
      call(e, token);
      return;
    }
    if (e.images.isEmpty()) {
      ErrorCode code = rejected ? ErrorCode.FILE_REJECTED : ErrorCode.NO_IMAGES;
      fail(e, code, "", Optional.empty(), code.name());
      return;
    }
    e.backend.succeeded();
    List<StoredImage> result = List.copyOf(e.images);
    synchronized (lock) {
      if (!finish(e)) return;
    }
    jobs.markSucceeded(e.id, e.firstSeed, result);
    e.sink.emit(
        new JobEvent.Completed(
            e.id,
            e.request.prompt(),
            e.model.alias(),
            e.firstSeed,
            Duration.between(e.acceptedAt, clock.instant()),
            result));
    dispatch();
  }

  private void attemptFailed(Entry e, int token, Failure failure) {
    if (stale(e, token)) return;
    FailureCode code = failure.code();
    ErrorCode mapped = map(code);
    Backend b = e.backend;
    if (code == FailureCode.INPUT_REJECTED || code == FailureCode.ENDPOINT_NOT_FOUND) {
      registry.checkLater(b);
    }
    if (!FAILOVER.contains(code) || !e.images.isEmpty()) {
      String detail =
          code == FailureCode.APP_ERROR || code == FailureCode.INPUT_REJECTED
              ? failure.message()
              : "";
      if (!e.images.isEmpty()) {
        // Some variations arrived before the failure: deliver what there is.
        e.calls = e.request.count();
        collect(e, token, List.of());
        return;
      }
      fail(e, mapped, detail, failure.retryAfter(), failure.message());
      return;
    }
    Instant until = b.coolDown(clock.instant(), failure.retryAfter().orElse(null));
    log.info(
        "Job {}: {} failed with {}, cooling down until {}; trying the next backend",
        e.id,
        b,
        code,
        until);
    retryElsewhere(
        e,
        token,
        mapped,
        failure.message(),
        mapped == ErrorCode.MODEL_DEGRADED ? failure.message() : null);
  }

  /** Puts the job back at the front of its user's queue to try the model's next backend. */
  private void retryElsewhere(Entry e, int token, ErrorCode code, String message, String detail) {
    e.tried.add(e.backend);
    e.lastError = code;
    e.lastMessage = message;
    e.lastDetail = detail;
    synchronized (lock) {
      if (e.done || e.token != token) return;
      release(e);
      e.call = null;
      e.token++;
      if (closed) return;
      enqueue(e, true);
    }
    dispatch();
  }

  private void fail(
      Entry e, ErrorCode code, String detail, Optional<Duration> retry, String message) {
    synchronized (lock) {
      if (!finish(e)) return;
    }
    jobs.markFailed(e.id, code.name(), message);
    e.sink.emit(new JobEvent.Failed(e.id, code, detail == null ? "" : detail, retry));
    dispatch();
  }

  /** Marks the entry done and frees its place. Holds the lock. False if it already was done. */
  private boolean finish(Entry e) {
    if (e.done || closed) return false;
    e.done = true;
    active.remove(e.id);
    if (e.running) {
      release(e);
    } else {
      UserQueue uq = users.get(e.userKey);
      if (uq != null && uq.waiting.remove(e)) {
        waiting--;
        if (uq.waiting.isEmpty() && uq.running == 0) {
          users.remove(uq.userKey);
          rotation.remove(uq);
          uq.inRotation = false;
        }
      }
    }
    return true;
  }

  /** Frees a running entry's slots. Holds the lock. */
  private void release(Entry e) {
    if (!e.running) return;
    e.running = false;
    running--;
    backendRunning.merge(e.backend, -1, Integer::sum);
    UserQueue uq = users.get(e.userKey);
    if (uq != null) {
      uq.running--;
      if (uq.running == 0 && uq.waiting.isEmpty()) users.remove(uq.userKey);
    }
    lock.notifyAll();
  }

  private boolean stale(Entry e, int token) {
    synchronized (lock) {
      return closed || e.done || e.token != token;
    }
  }

  /** Runs work for a job; a fault fails the job with INTERNAL and a ref, logged once. */
  private void guarded(Entry e, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException x) {
      String ref = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
      log.error("Job {} failed unexpectedly (ref {})", e.id, ref, x);
      try {
        fail(e, ErrorCode.INTERNAL, ref, Optional.empty(), "internal error, ref " + ref);
      } catch (RuntimeException again) {
        log.error("Job {} could not be marked failed (ref {})", e.id, ref, again);
      }
    }
  }

  /** The core's code for a Gradio failure. */
  public static ErrorCode map(FailureCode code) {
    switch (code) {
      case QUOTA_EXCEEDED:
        return ErrorCode.QUOTA_EXCEEDED;
      case QUEUE_FULL:
        return ErrorCode.QUEUE_FULL;
      case RATE_LIMITED:
        return ErrorCode.RATE_LIMITED;
      case INPUT_REJECTED:
        return ErrorCode.INPUT_REJECTED;
      case APP_ERROR:
        return ErrorCode.APP_ERROR;
      case TIMEOUT:
        return ErrorCode.TIMEOUT;
      case FILE_REJECTED:
        return ErrorCode.FILE_REJECTED;
      case ENDPOINT_NOT_FOUND:
        return ErrorCode.MODEL_DEGRADED;
      case QUEUE_STOPPED:
      case AUTH_REQUIRED:
      case AUTH_DENIED:
      case SPACE_NOT_FOUND:
      case SPACE_NOT_RUNNING:
      case CONNECTION_LOST:
      case PROTOCOL_ERROR:
      default:
        return ErrorCode.SPACE_DOWN;
    }
  }

  /** One user's waiting jobs and running count. Guarded by the engine lock. */
  private static final class UserQueue {
    final String userKey;
    final ArrayDeque<Entry> waiting = new ArrayDeque<>(2);
    int running;
    boolean inRotation;

    UserQueue(String userKey) {
      this.userKey = userKey;
    }
  }

  /** A job the engine holds. Scheduling fields are guarded by the engine lock. */
  private static final class Entry {
    final long id;
    final String userKey;
    final Model model;
    final GenerationRequest request;
    final EventSink sink;
    final Instant acceptedAt;
    final Set<Backend> tried = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    final List<StoredImage> images = new ArrayList<>(1);
    final List<ResultFile> resultFiles = new ArrayList<>(1);
    Backend backend;
    volatile Long plannedSeed;
    volatile SpaceMapping mapping;
    volatile SpaceGateway.Call call;
    int token;
    boolean running;
    boolean done;
    volatile boolean markedRunning;
    volatile Long firstSeed;
    volatile int calls;
    ErrorCode lastError;
    String lastMessage;
    String lastDetail;

    Entry(
        long id,
        String userKey,
        Model model,
        GenerationRequest request,
        EventSink sink,
        Instant acceptedAt) {
      this.id = id;
      this.userKey = userKey;
      this.model = model;
      this.request = request;
      this.sink = sink;
      this.acceptedAt = acceptedAt;
    }
  }
}
