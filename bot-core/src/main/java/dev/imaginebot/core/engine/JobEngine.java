package dev.imaginebot.core.engine;

import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.DaemonThreads;
import dev.imaginebot.core.FaultRef;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.Backend;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.Model;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.SpaceEvent;
import dev.imaginebot.core.model.SpaceException;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.model.SpaceFile;
import dev.imaginebot.core.model.SpaceGateway;
import dev.imaginebot.core.model.SpaceMapping;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.ImageStore;
import dev.imaginebot.core.store.JobLeases;
import dev.imaginebot.core.store.JobRecord;
import dev.imaginebot.core.store.JobState;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.Recovery;
import dev.imaginebot.core.store.ResultFile;
import dev.imaginebot.core.store.SharedQueue;
import dev.imaginebot.core.store.WorkSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's own job queue. Fair: users take turns (round-robin), each within per-user caps for
 * running and waiting jobs, each backend within its concurrency, all within a global cap. Moves a
 * job to a model's next backend when a Space is out of quota, down, full or too slow, cooling the
 * failing one down. Persists every state change through {@link JobStore} and reports coalesced
 * events to each job's {@link JobEventListener}.
 *
 * <p>Thin wiring: the {@code FairQueue} decides who starts where, an {@code Attempt} follows one
 * job on one backend, the {@code FailoverPolicy} decides what a failed attempt means, and the store
 * keeps the job's life. It speaks the core's own Space types only ({@link SpaceEvent}, {@link
 * SpaceFailure}), never gradio-client's.
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
  public static final int MAX_RESTARTS = 10;

  /** Seeds the bot chooses lie in [0, 2^31): every Space's seed slider allows that much or less. */
  private static final long PLANNED_SEED_BOUND = 1L << 31;

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
  private final FairQueue<Entry, Backend> queue;
  private final Map<Long, Entry> active = new LinkedHashMap<>();

  /** Whether waiting jobs' positions may have changed since they were last worked out. */
  private boolean positionsStale;

  private boolean accepting = true;
  private boolean closed;

  /** How this engine shares its queue with other instances; null when it runs alone. */
  private final Shared shared;

  /**
   * Jobs running here in shared mode (their slots are counted in the database); guarded by the
   * lock.
   */
  private int runningHere;

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
   * How an engine shares one queue with the other instances on its database (see {@link
   * SharedQueue}): which job starts next, and every running cap, are decided in the database; a job
   * started here is leased to this instance, renewed every third of {@code lease}, and taken over
   * by another instance when this one dies.
   *
   * @param db the database every instance uses
   * @param instance this instance's id (unique among running instances)
   * @param lease how long a job stays this instance's without a renewal
   * @param views makes the view of a job this instance did not receive (it was asked through
   *     another instance, or taken over from one)
   */
  public record Cluster(
      Database db, String instance, Duration lease, Function<JobRecord, JobEventListener> views) {
    public Cluster {
      Objects.requireNonNull(db, "db == null");
      Objects.requireNonNull(instance, "instance == null");
      Objects.requireNonNull(lease, "lease == null");
      Objects.requireNonNull(views, "views == null");
    }
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
        Clock.systemUTC(),
        null);
  }

  /**
   * An engine that shares its queue with the other instances on {@code cluster}'s database, or runs
   * alone when {@code cluster} is null. Call {@link #startSharing()} once the front-ends can show
   * jobs.
   */
  public JobEngine(
      JobStore jobs,
      ImageStore images,
      ModelRegistry registry,
      SpaceGateway gateway,
      Limits limits,
      Duration progressInterval,
      int maxWaiting,
      Cluster cluster) {
    this(
        jobs,
        images,
        registry,
        gateway,
        limits,
        progressInterval,
        maxWaiting,
        new ScheduledTimer(),
        Clock.systemUTC(),
        cluster);
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
    this(jobs, images, registry, gateway, limits, progressInterval, maxWaiting, timer, clock, null);
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
      Clock clock,
      Cluster cluster) {
    this.jobs = Objects.requireNonNull(jobs, "jobs == null");
    this.images = Objects.requireNonNull(images, "images == null");
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.gateway = Objects.requireNonNull(gateway, "gateway == null");
    this.limits = Objects.requireNonNull(limits, "limits == null");
    this.progressInterval = Objects.requireNonNull(progressInterval, "progressInterval == null");
    this.maxWaiting = maxWaiting;
    this.timer = timer;
    this.clock = clock;
    this.queue =
        new FairQueue<>(
            e -> e.userKey,
            Backend::concurrency,
            limits.perUserRunning(),
            limits.perUserWaiting(),
            limits.globalRunning(),
            maxWaiting);
    int threads = Math.max(4, Math.min(64, limits.globalRunning() * 2));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            DaemonThreads.named("imagine-job"));
    pool.allowCoreThreadTimeOut(true);
    this.workers = pool;
    this.shared = cluster == null ? null : new Shared(cluster);
  }

  /**
   * Queues a request whose model is already resolved ({@code request.model()} names a model).
   * Returns at once; {@code Accepted} goes to {@code view} before this returns.
   */
  public Submitted submit(
      UserRef user,
      ChatRef chat,
      String replyRef,
      GenerationRequest request,
      JobEventListener view) {
    return submit(user, chat, replyRef, request, view, null);
  }

  /**
   * Like {@link #submit(UserRef, ChatRef, String, GenerationRequest, JobEventListener)}, for a
   * command from the platform update {@code commandKey}: when a job was made for that update before
   * (the update was handled again after a crash), returns that job's id with {@code fresh} false
   * and queues nothing (the job resumes through {@link #resume(Recovery, JobEventListener)}).
   */
  public Submitted submit(
      UserRef user,
      ChatRef chat,
      String replyRef,
      GenerationRequest request,
      JobEventListener view,
      String commandKey) {
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(request.model(), "request.model() == null");
    Optional<Model> found = registry.find(request.model(), chat.key());
    if (found.isEmpty()) {
      return Submitted.refused(
          ErrorCode.UNKNOWN_MODEL,
          request.model(),
          String.join(", ", registry.aliases(chat.key())));
    }
    Model model = found.get();
    BackendStatus status = registry.status(model);
    if (status.kind() == BackendStatus.Kind.DEGRADED) {
      // Users get the cause's key, worded in their language; the English reason is the log's.
      return Submitted.refused(ErrorCode.MODEL_DEGRADED, status.cause().messageKey());
    }
    if (shared != null) {
      synchronized (lock) {
        if (!accepting) return Submitted.refused(ErrorCode.BOT_BUSY);
      }
      // Counted over every instance; two commands at the same instant may both pass (the waiting
      // caps bound a queue's length, the running caps, which claims keep exactly, bound load).
      if (jobs.waitingCount(user.key()) >= limits.perUserWaiting()) {
        return Submitted.refused(ErrorCode.USER_LIMIT, limits.perUserWaiting());
      }
      if (jobs.waitingCount(null) >= maxWaiting) return Submitted.refused(ErrorCode.BOT_BUSY);
    } else {
      synchronized (lock) {
        if (!accepting) return Submitted.refused(ErrorCode.BOT_BUSY);
        switch (queue.reserve(user.key())) {
          case USER_LIMIT:
            return Submitted.refused(ErrorCode.USER_LIMIT, limits.perUserWaiting());
          case BUSY:
            return Submitted.refused(ErrorCode.BOT_BUSY);
          case OK:
            break;
        }
      }
    }
    // The seed is fixed now, so that every submission of this job (after a failover or a
    // restart) makes the same image.
    Long planned =
        request.seed() != null ? null : ThreadLocalRandom.current().nextLong(PLANNED_SEED_BOUND);
    // Written outside the scheduling lock; the reservation keeps the caps meanwhile.
    JobStore.Created created;
    // In shared mode a claim must not see the new job before its entry (with the live view) is
    // registered here, or it would start it with a view made from the store instead.
    if (shared != null) shared.intake.readLock().lock();
    try {
      created =
          jobs.create(
              user,
              chat,
              replyRef,
              request.withModel(model.alias()),
              model.alias(),
              commandKey,
              planned);
    } catch (RuntimeException | Error x) {
      if (shared == null) {
        synchronized (lock) {
          queue.unreserve(user.key());
        }
      } else {
        shared.intake.readLock().unlock();
      }
      throw x;
    }
    JobRecord record = created.job();
    if (!created.fresh()) {
      // Made before for the same update: it resumes on its own, with its own place.
      if (shared == null) {
        synchronized (lock) {
          queue.unreserve(user.key());
        }
      } else {
        shared.intake.readLock().unlock();
      }
      return Submitted.repeated(record.id());
    }
    Entry entry =
        new Entry(
            record.id(),
            user.key(),
            model,
            record.request(),
            sink(record.id(), view),
            clock.instant());
    entry.plannedSeed = planned;
    if (shared != null) {
      shared.waitingHere.put(entry.id, entry);
      shared.intake.readLock().unlock();
      shared.submitted(entry);
      return new Submitted(entry.id, null, List.of());
    }
    List<Moved> moved;
    synchronized (lock) {
      queue.add(entry, true);
      active.put(entry.id, entry);
      moved = positions();
    }
    announce(moved, entry);
    dispatch();
    return new Submitted(entry.id, null, List.of());
  }

  /**
   * Takes back a job left unfinished by a previous run: queued jobs re-enter the queue; jobs that
   * were on a Space are resubmitted with the same seed and parameters (a Space forgets a job whose
   * event stream was cut, so it cannot be re-attached), one restart counted; jobs whose Space had
   * already finished only download the Space's output, never run again.
   */
  public void resume(JobRecord record, JobEventListener view) {
    resume(new Recovery(record, null, 0, List.of(), false), view);
  }

  /**
   * Takes back what a previous run left: an unfinished job (see {@link #resume(JobRecord,
   * JobEventListener)}), or a finished one whose outcome its user was not shown yet, which is shown
   * now.
   */
  public void resume(Recovery recovery, JobEventListener view) {
    resume(recovery, view, null);
  }

  /**
   * {@link #resume(Recovery, JobEventListener)}; in shared mode {@code slot} names the backend
   * whose slot a taken-over job holds, on which it starts again.
   */
  private void resume(Recovery recovery, JobEventListener view, String slot) {
    JobRecord record = recovery.job();
    EventSink sink = sink(record.id(), view);
    if (record.state().terminal()) {
      if (!recovery.delivered()) sink.emit(outcome(record));
      else if (shared != null) shared.done(record.id());
      return;
    }
    Optional<Model> model = registry.find(record.model(), record.chatKey());
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
        Attempt attempt = Attempt.collecting(backend);
        synchronized (lock) {
          if (closed) return;
          active.put(entry.id, entry);
          entry.attempt = attempt;
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
        List<SpaceFile> files = new ArrayList<>();
        for (ResultFile f : recovery.resultFiles()) {
          files.add(new SpaceFile(f.url(), f.path(), f.mimeType()));
        }
        execute(() -> guarded(entry, () -> collect(entry, attempt, files)));
        return;
      }
      jobs.markRestarted(record.id());
    }
    if (shared != null) {
      entry.acknowledged = true;
      shared.startOn(entry, slot != null ? slot : record.backend());
      return;
    }
    List<Moved> moved;
    synchronized (lock) {
      if (closed) return;
      queue.add(entry, false);
      active.put(entry.id, entry);
      moved = positions();
    }
    announce(moved, entry);
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
    SpaceGateway.Call call = null;
    synchronized (lock) {
      e = active.get(jobId);
      if (e != null) {
        if (!admin && !e.userKey.equals(actorKey)) return CancelOutcome.NOT_ALLOWED;
        if (!finish(e)) return CancelOutcome.NOT_FOUND;
        call = e.attempt == null || e.attempt.state().terminal() ? null : e.attempt.cancelled();
      }
    }
    // In shared mode the job may wait in the shared queue or run on another instance.
    if (e == null)
      return shared != null ? shared.cancel(jobId, actorKey, admin) : CancelOutcome.NOT_FOUND;
    // Stops the job on the Space too (the protocol's cancel), outside the lock.
    if (call != null) call.cancel();
    jobs.markCancelled(jobId);
    e.sink.emit(new JobEvent.Cancelled(jobId));
    dispatch();
    return CancelOutcome.CANCELLED;
  }

  /** A user's waiting and running jobs, oldest first. */
  public List<Long> active(String userKey) {
    if (shared != null) {
      // Any instance may run them: the database knows them all.
      return jobs.unfinished(userKey).stream().map(JobRecord::id).toList();
    }
    synchronized (lock) {
      List<Long> out = new ArrayList<>();
      for (Entry e : active.values()) {
        if (e.userKey.equals(userKey)) out.add(e.id);
      }
      return out;
    }
  }

  /** Jobs waiting in the bot's queue (in shared mode: those asked through this instance). */
  public int waiting() {
    if (shared != null) return shared.waitingHere.size();
    synchronized (lock) {
      return queue.waiting();
    }
  }

  /** Jobs running on Spaces (in shared mode: on this instance). */
  public int running() {
    synchronized (lock) {
      return shared != null ? runningHere : queue.running();
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
        while ((shared != null ? runningHere : queue.running()) > 0) {
          long left = end - System.nanoTime();
          if (left <= 0) break;
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
    // Another instance takes what was cut here over now, instead of when the leases run out.
    if (shared != null) shared.releaseUnfinished();
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
    if (shared != null) shared.close();
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

  private EventSink sink(long id, JobEventListener view) {
    return new EventSink(id, view, progressInterval, timer, clock, () -> delivered(id));
  }

  /** The user was shown a job's outcome: the next start need not show it again. */
  private void delivered(long id) {
    try {
      jobs.markDelivered(id);
      if (shared != null) shared.done(id);
    } catch (RuntimeException e) {
      // The database may be closed after a stop that did not wait: the next start delivers again.
      log.debug("Job {} delivered but not recorded: {}", id, e.toString());
    }
  }

  /** A waiting job's new position, to persist and show. */
  private record Moved(Entry entry, int position) {}

  /** Works out every waiting job's position; returns those that changed. Holds the lock. */
  private List<Moved> positions() {
    positionsStale = false;
    List<Moved> moved = new ArrayList<>();
    queue.forEachPosition(
        (e, position) -> {
          if (e.position != position) {
            e.position = position;
            moved.add(new Moved(e, position));
          }
        });
    return moved;
  }

  /**
   * Persists and shows new positions, outside the scheduling lock; {@code added}, a job just queued
   * by this thread (or null), is acknowledged first. The positions that changed are written in one
   * batched statement, then shown. A position that is no longer the job's (a later one was worked
   * out, or the job started) is skipped; the entry's monitor orders this against the job's start,
   * see {@link #start}.
   */
  private void announce(List<Moved> moved, Entry added) {
    Map<Long, Integer> writes = new LinkedHashMap<>();
    if (added != null) {
      synchronized (added) {
        if (added.position >= 0) toStore(added, added.position, writes);
      }
    }
    List<Moved> shown = new ArrayList<>(moved.size());
    for (Moved m : moved) {
      Entry e = m.entry;
      synchronized (e) {
        if (!showable(e, m.position)) continue;
        toStore(e, m.position, writes);
        shown.add(m);
      }
    }
    // One round trip for the whole change of the queue. Only waiting jobs are written, so a job
    // that started after its position was taken keeps its cleared one.
    jobs.markQueuePositions(writes);
    if (added != null) acknowledge(added);
    for (Moved m : shown) {
      Entry e = m.entry;
      synchronized (e) {
        if (showable(e, m.position)) {
          e.sink.emit(new JobEvent.Accepted(e.id, m.position, e.model.alias()));
        }
      }
    }
  }

  /**
   * Whether {@code position} is a waiting job's to show now: before its acknowledgement a job's
   * position is the acknowledging thread's to show, and after a failover the job keeps showing its
   * progress, not a place in the queue. Holds the entry's monitor.
   */
  private static boolean showable(Entry e, int position) {
    return e.acknowledged && !e.started && e.position == position;
  }

  /**
   * Tells a newly queued job's user it was accepted, with its latest position (0 when it started
   * meanwhile), before anything else about it; then starts it if its start waited for this.
   */
  private void acknowledge(Entry e) {
    Attempt deferred;
    synchronized (e) {
      try {
        e.sink.emit(new JobEvent.Accepted(e.id, Math.max(0, e.position), e.model.alias()));
      } finally {
        e.acknowledged = true;
        deferred = e.deferredStart;
        e.deferredStart = null;
      }
    }
    if (deferred != null) {
      Attempt attempt = deferred;
      execute(() -> guarded(e, () -> start(e, attempt)));
    }
  }

  /** Adds a waiting job's position to {@code writes} when it changed. Holds the entry's monitor. */
  private static void toStore(Entry e, int position, Map<Long, Integer> writes) {
    if (e.storedPosition != position) {
      writes.put(e.id, position);
      e.storedPosition = position;
    }
  }

  /** Starts what may start now, and tells waiting jobs their new positions. */
  private void dispatch() {
    if (shared != null) {
      // Slots may have been freed or work added: every instance looks for work.
      shared.signal();
      shared.claimSoon();
      return;
    }
    List<Entry> starts = new ArrayList<>();
    List<Attempt> attempts = new ArrayList<>();
    List<Entry> stuck;
    List<Moved> moved = List.of();
    synchronized (lock) {
      if (!accepting && !closed) {
        // Shutting down: let running jobs finish, start nothing new.
        return;
      }
      if (closed) return;
      Instant now = clock.instant();
      FairQueue.Drained<Entry, Backend> drained = queue.drain(e -> pick(e, now));
      for (FairQueue.Start<Entry, Backend> s : drained.starts()) {
        Entry e = s.job();
        e.attempt = Attempt.starting(s.backend());
        e.running = true;
        e.position = -1;
        starts.add(e);
        attempts.add(e.attempt);
      }
      stuck = drained.unplaceable();
      for (Entry e : stuck) e.position = -1;
      if (positionsStale || !starts.isEmpty() || !stuck.isEmpty()) moved = positions();
    }
    announce(moved, null);
    for (Entry e : stuck) noBackend(e);
    for (int i = 0; i < starts.size(); i++) {
      Entry e = starts.get(i);
      Attempt attempt = attempts.get(i);
      execute(() -> guarded(e, () -> start(e, attempt)));
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
      if (s.kind() == BackendStatus.Kind.DEGRADED && degraded == null) {
        degraded = s.cause().messageKey();
      }
    }
    Optional<Duration> retry =
        soonest == null ? Optional.empty() : Optional.of(Duration.between(now, soonest));
    ErrorCode code = e.lastError;
    String detail = e.lastDetail;
    if (code == null) {
      // No attempt of this job failed: say what the last reads of the Spaces' APIs found.
      String unreachable = null;
      for (Backend b : e.model.backends()) {
        SpaceFailure why = b.readFailure();
        if (why != null && why.kind() == SpaceFailure.Kind.UNREACHABLE && unreachable == null) {
          unreachable = FailoverPolicy.unreachableReason(why);
        }
      }
      if (unreachable != null) {
        code = ErrorCode.SPACE_UNREACHABLE;
        detail = unreachable;
      } else {
        code = soonest != null ? ErrorCode.SPACE_DOWN : ErrorCode.MODEL_DEGRADED;
      }
    }
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
  private void start(Entry e, Attempt attempt) {
    // Nothing about the job is shown before its acknowledgement, and no place in the queue
    // after it started: a start that beat the submitting thread is run by that thread instead.
    synchronized (e) {
      if (!e.acknowledged) {
        e.deferredStart = attempt;
        return;
      }
      e.started = true;
    }
    Backend b = attempt.backend();
    SpaceMapping mapping = b.mapping();
    if (mapping == null) {
      // Reading the API is what wakes a sleeping Space: let the user see that it is waking.
      mapping =
          registry.check(
              b,
              event -> {
                if (event instanceof SpaceEvent.Waking && !stale(e, attempt)) {
                  e.sink.emit(new JobEvent.Waking(e.id, e.model.alias()));
                }
              });
    }
    if (stale(e, attempt)) return;
    if (mapping == null) {
      BackendStatus s = b.status(clock.instant());
      if (s.kind() == BackendStatus.Kind.DEGRADED) {
        retryElsewhere(e, attempt, ErrorCode.MODEL_DEGRADED, s.reason(), s.cause().messageKey());
      } else {
        // The actual reason (unreachable, timed out while waking, ...), not a guess.
        SpaceFailure why = b.readFailure();
        attemptFailed(
            e,
            attempt,
            why != null
                ? why
                : SpaceFailure.of(
                    SpaceFailure.Kind.SPACE_DOWN, "the Space's API could not be read"));
      }
      return;
    }
    jobs.markSubmitted(e.id, b.space());
    e.mapping = mapping;
    call(e, attempt);
  }

  /** Sends one call of the attempt (the first, or another for more variations). */
  private void call(Entry e, Attempt attempt) {
    // Before the call goes out (its events may arrive before submit returns); nothing is sent
    // for an attempt that ended meanwhile.
    if (!attempt.submitted()) return;
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
    e.callSeed = seed;
    e.calls++;
    List<Object> args = mapping.arguments(e.request, seed);
    SpaceGateway.Call call =
        gateway.submit(
            attempt.backend().space(),
            mapping.endpoint(),
            args,
            // Also on the client's callback thread, a fault (the store failing) ends the job.
            event -> guarded(e, () -> onSpaceEvent(e, attempt, event)));
    boolean movedOn;
    synchronized (lock) {
      movedOn = e.done || e.attempt != attempt;
    }
    // Cancelled, failed or moved on while the call went out: stop it on the Space.
    if (movedOn || !attempt.holds(call)) call.cancel();
  }

  private void onSpaceEvent(Entry e, Attempt attempt, SpaceEvent event) {
    if (stale(e, attempt)) return;
    if (event instanceof SpaceEvent.Waking) {
      e.sink.emit(new JobEvent.Waking(e.id, e.model.alias()));
    } else if (event instanceof SpaceEvent.Queued q) {
      if (attempt.queued()) {
        e.sink.emit(new JobEvent.SpaceQueued(e.id, q.rank(), q.size(), q.eta()));
      }
    } else if (event instanceof SpaceEvent.Started) {
      if (attempt.running()) {
        markRunning(e, attempt);
        e.sink.emit(new JobEvent.Progress(e.id, null, null, null, image(e), images(e)));
      }
    } else if (event instanceof SpaceEvent.Progress p) {
      if (attempt.running()) {
        markRunning(e, attempt);
        SpaceEvent.ProgressUnit unit = p.units().isEmpty() ? null : p.units().get(0);
        if (unit != null) {
          e.sink.emit(
              new JobEvent.Progress(
                  e.id, unit.index(), unit.length(), unit.fraction(), image(e), images(e)));
        }
      }
    } else if (event instanceof SpaceEvent.Completed c) {
      if (attempt.completed()) {
        List<SpaceFile> files = c.files();
        execute(() -> guarded(e, () -> collect(e, attempt, files)));
      }
    } else if (event instanceof SpaceEvent.Failed f) {
      execute(() -> guarded(e, () -> attemptFailed(e, attempt, f.failure())));
    } else if (event instanceof SpaceEvent.Cancelled) {
      execute(
          () ->
              guarded(
                  e,
                  () ->
                      attemptFailed(
                          e,
                          attempt,
                          SpaceFailure.of(
                              SpaceFailure.Kind.CONNECTION_LOST, "the Space cancelled the job"))));
    }
  }

  /** Which image of a job of several runs now (from 1): one after another, one per call. */
  private static int image(Entry e) {
    return Math.min(e.images.size() + 1, images(e));
  }

  private static int images(Entry e) {
    return Math.max(1, e.request.count());
  }

  /** Persists that the job runs, once per attempt (not for each progress report). */
  private void markRunning(Entry e, Attempt attempt) {
    if (attempt.firstRun()) jobs.markRunning(e.id);
  }

  /** Runs on a worker: downloads and stores the images, or calls again for more variations. */
  private void collect(Entry e, Attempt attempt, List<SpaceFile> files) {
    if (!files.isEmpty() && !stale(e, attempt)) {
      // Stored before downloading: a restart from here on downloads, it does not run the job again.
      for (SpaceFile f : files) e.resultFiles.add(new ResultFile(f.url(), f.path(), f.mimeType()));
      jobs.saveResultFiles(e.id, e.resultFiles);
    }
    boolean rejected = false;
    int before = e.images.size();
    // A Space that returns several images per call (a Midjourney-style gallery) gives them all on
    // the first call; further calls for variations only top up to the count asked for.
    int keep = e.calls <= 1 ? Math.max(MAX_IMAGES, e.request.count()) : e.request.count();
    for (SpaceFile f : files) {
      if (e.images.size() >= keep) break;
      byte[] bytes;
      try {
        bytes = gateway.download(attempt.backend().space(), f, limits.maxImageBytes());
      } catch (SpaceException g) {
        rejected |= g.failure().kind() == SpaceFailure.Kind.FILE_REJECTED;
        log.info("Job {}: could not download {}: {}", e.id, f.url(), g.getMessage());
        continue;
      }
      try {
        StoredImage image = images.store(bytes);
        // A gallery repeating itself is one image; two seeds that made the same image are two
        // results the user asked for, both kept (and the result says so).
        if (e.images.subList(before, e.images.size()).stream()
            .noneMatch(i -> i.sha256().equals(image.sha256()))) {
          e.images.add(image);
          e.seeds.add(e.callSeed);
        }
      } catch (ImageStore.NotAnImageException x) {
        log.info("Job {}: output {} is not an image", e.id, f.url());
      }
    }
    if (stale(e, attempt)) return;
    boolean gotSome = e.images.size() > before;
    if (gotSome && e.images.size() < e.request.count() && e.calls < e.request.count()) {
      call(e, attempt);
      return;
    }
    if (e.images.isEmpty()) {
      ErrorCode code = rejected ? ErrorCode.FILE_REJECTED : ErrorCode.NO_IMAGES;
      fail(e, code, "", Optional.empty(), code.name());
      return;
    }
    attempt.backend().succeeded();
    List<StoredImage> result = List.copyOf(e.images);
    List<Long> seeds = e.seeds.contains(null) ? List.of() : List.copyOf(e.seeds);
    synchronized (lock) {
      if (e.attempt != attempt || !finish(e)) return;
      attempt.succeeded();
    }
    jobs.markSucceeded(e.id, e.firstSeed, result);
    e.sink.emit(
        new JobEvent.Completed(
            e.id,
            e.request.prompt(),
            e.model.alias(),
            e.firstSeed,
            Duration.between(e.acceptedAt, clock.instant()),
            result,
            seeds));
    dispatch();
  }

  private void attemptFailed(Entry e, Attempt attempt, SpaceFailure failure) {
    if (stale(e, attempt)) return;
    SpaceFailure.Kind code = failure.kind();
    FailoverPolicy.Decision decision = FailoverPolicy.decide(code);
    ErrorCode mapped = decision.code();
    Backend b = attempt.backend();
    if (decision.recheckApi()) registry.checkLater(b);
    if (!decision.failover() || !e.images.isEmpty()) {
      String detail =
          mapped == ErrorCode.MODEL_DEGRADED
              ? BackendStatus.Cause.ENDPOINT_MISSING.messageKey()
              : decision.showMessage() ? failure.detail() : "";
      if (!e.images.isEmpty()) {
        // Some variations arrived before the failure: deliver what there is.
        e.calls = e.request.count();
        attempt.completed();
        collect(e, attempt, List.of());
        return;
      }
      fail(e, mapped, detail, failure.retryAfter(), failure.detail());
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
        attempt,
        mapped,
        failure.detail(),
        mapped == ErrorCode.MODEL_DEGRADED
            ? BackendStatus.Cause.ENDPOINT_MISSING.messageKey()
            : mapped == ErrorCode.SPACE_UNREACHABLE
                ? FailoverPolicy.unreachableReason(failure)
                : null);
  }

  /** Puts the job back at the front of its user's queue to try the model's next backend. */
  private void retryElsewhere(
      Entry e, Attempt attempt, ErrorCode code, String message, String detail) {
    e.tried.add(attempt.backend());
    e.lastError = code;
    e.lastMessage = message;
    e.lastDetail = detail;
    synchronized (lock) {
      if (e.done || e.attempt != attempt) return;
      attempt.failed();
      release(e);
      // No attempt until the queue places the job again: late events of this one are stale.
      e.attempt = null;
      if (closed) return;
      if (shared == null) {
        queue.retryFirst(e);
        positionsStale = true;
      }
    }
    if (shared != null) shared.retry(e);
    dispatch();
  }

  private void fail(
      Entry e, ErrorCode code, String detail, Optional<Duration> retry, String message) {
    synchronized (lock) {
      if (!finish(e)) return;
      Attempt attempt = e.attempt;
      if (attempt != null && !attempt.state().terminal()) attempt.failed();
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
    } else if (queue.remove(e)) {
      e.position = -1;
      positionsStale = true;
    }
    return true;
  }

  /** Frees a running entry's slots. Holds the lock. */
  private void release(Entry e) {
    if (!e.running) return;
    e.running = false;
    // In shared mode the slot is the job's row in the database: a terminal state or a retry
    // frees it there.
    if (shared != null) runningHere--;
    else queue.release(e);
    lock.notifyAll();
  }

  /** Whether {@code attempt} is no longer its job's current one (or the engine closed). */
  private boolean stale(Entry e, Attempt attempt) {
    synchronized (lock) {
      return closed || e.done || e.attempt != attempt;
    }
  }

  /**
   * Runs work for a job. Any fault, an {@code Error} included (decoding a huge image can run out of
   * memory), ends the job with INTERNAL and a ref, logged once, and frees its slots.
   */
  private void guarded(Entry e, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException | Error x) {
      String ref = FaultRef.next();
      log.error("Job {} failed unexpectedly (ref {})", e.id, ref, x);
      try {
        fail(e, ErrorCode.INTERNAL, ref, Optional.empty(), "internal error, ref " + ref);
      } catch (RuntimeException | Error again) {
        // The store failed too: the slots are free already (fail frees them first); still tell
        // the user, and let the queue move on.
        log.error("Job {} could not be marked failed (ref {})", e.id, ref, again);
        e.sink.emit(new JobEvent.Failed(e.id, ErrorCode.INTERNAL, ref, Optional.empty()));
        dispatch();
      }
    }
  }

  /**
   * Starts sharing the queue: ends the leases of this instance's earlier run, listens for other
   * instances' work, takes over what dead instances left and starts what may start. Does nothing
   * for an engine that runs alone. Call it once, after the front-ends can show jobs.
   */
  public void startSharing() {
    if (shared != null) shared.begin();
  }

  /**
   * The shared-queue side of the engine: claims from the queue every instance shares, the leases of
   * the jobs this instance runs, takeovers from dead instances, and positions across instances.
   * Claims, lease upkeep and takeovers run on one thread, so they never race each other here.
   */
  private final class Shared {
    /** Most jobs one claim or one takeover takes at once. */
    private static final int BATCH = 32;

    final Cluster cluster;
    final SharedQueue queue;
    final JobLeases leases;
    final String owner;
    final SharedQueue.Limits caps;

    /** Jobs asked through this instance that wait in the shared queue, with their live views. */
    final Map<Long, Entry> waitingHere = new ConcurrentHashMap<>();

    /**
     * Submissions hold it shared from the job's insert until its entry is in {@link #waitingHere};
     * a claim holds it exclusively, so it never meets a job of this instance without its entry.
     */
    final ReentrantReadWriteLock intake = new ReentrantReadWriteLock();

    /** Jobs whose lease this instance holds, until their outcome is delivered. */
    final Set<Long> leased = ConcurrentHashMap.newKeySet();

    final ExecutorService claimer =
        Executors.newSingleThreadExecutor(DaemonThreads.named("imagine-claim"));
    final AtomicBoolean claimWanted = new AtomicBoolean();
    volatile WorkSignal signal;
    volatile Runnable nextTick = () -> {};

    Shared(Cluster cluster) {
      this.cluster = cluster;
      this.queue = new SharedQueue(cluster.db());
      this.leases = new JobLeases(cluster.db());
      // A new owner per run: leases of a run that died are told apart from this run's.
      this.owner =
          cluster.instance()
              + "#"
              + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
      this.caps = new SharedQueue.Limits(limits.perUserRunning(), limits.globalRunning());
    }

    void begin() {
      int freed = leases.releaseEarlierRuns(cluster.instance(), owner);
      if (freed > 0) log.info("Taking back {} job(s) from this instance's earlier run", freed);
      // What was left is taken over before this returns, as a lone instance resumes its jobs at
      // start: their views exist before the front-ends register.
      takeOver();
      signal = WorkSignal.listen(cluster.db(), this::claimSoon);
      upkeepSoon();
    }

    // ---- intake

    /**
     * A job asked through this instance: it waits in the shared queue; any instance may start it.
     */
    void submitted(Entry e) {
      signal();
      Map<Long, Integer> all = positions();
      Integer position = all == null ? null : all.get(e.id);
      synchronized (lock) {
        e.position = position == null ? 0 : Math.max(0, position - 1);
      }
      announce(List.of(), e);
      claimSoon();
    }

    /** Puts a job that failed on a backend back into the shared queue to try another one. */
    void retry(Entry e) {
      leased.remove(e.id);
      // Before the retry is visible, so a claim here finds the job's entry (and what it tried).
      waitingHere.put(e.id, e);
      if (!queue.retry(owner, e.id)) {
        waitingHere.remove(e.id, e);
        log.info("Job {}: not retried, another instance holds it now", e.id);
      }
    }

    CancelOutcome cancel(long jobId, String actorKey, boolean admin) {
      Optional<JobRecord> found = jobs.find(jobId);
      if (found.isEmpty() || found.get().state().terminal()) return CancelOutcome.NOT_FOUND;
      JobRecord r = found.get();
      if (!admin && !r.userKey().equals(actorKey)) return CancelOutcome.NOT_ALLOWED;
      Optional<String> holder = leases.holder(jobId);
      if (!jobs.markCancelled(jobId)) return CancelOutcome.NOT_FOUND;
      Entry waiting = waitingHere.remove(jobId);
      if (holder.isPresent() && !holder.get().equals(owner)) {
        // The instance running it stops it on the Space and shows the cancellation, in order
        // with the progress it shows; the signal makes it look now.
        signal();
        return CancelOutcome.CANCELLED;
      }
      EventSink sink = waiting != null ? waiting.sink : sink(jobId, cluster.views().apply(r));
      sink.emit(new JobEvent.Cancelled(jobId));
      signal();
      return CancelOutcome.CANCELLED;
    }

    /** A job's outcome was delivered (or needs no delivery): its lease goes. */
    void done(long id) {
      if (leased.remove(id)) leases.release(owner, id);
    }

    // ---- claims

    void claimSoon() {
      if (claimWanted.getAndSet(true)) return;
      try {
        claimer.execute(
            () -> {
              claimWanted.set(false);
              claimRound();
            });
      } catch (RejectedExecutionException closing) {
        claimWanted.set(false);
      }
    }

    private void claimRound() {
      try {
        checkCancelled();
        while (true) {
          int room;
          synchronized (lock) {
            if (closed || !accepting) return;
            room = limits.globalRunning() - runningHere;
          }
          if (room <= 0) break;
          int max = Math.min(room, BATCH);
          SharedQueue.Claimed claimed;
          intake.writeLock().lock();
          try {
            claimed = queue.claim(owner, cluster.lease(), max, caps, this::pick);
          } finally {
            intake.writeLock().unlock();
          }
          for (SharedQueue.Start start : claimed.starts()) {
            leased.add(start.id());
            Entry e = waitingHere.remove(start.id());
            if (e == null) e = load(start.id());
            if (e != null) startOn(e, start.backend());
          }
          for (long id : claimed.unplaceable()) {
            leased.add(id);
            Entry e = waitingHere.remove(id);
            if (e == null) e = load(id);
            if (e == null) continue;
            synchronized (lock) {
              if (closed) return;
              active.put(e.id, e);
            }
            noBackend(e);
          }
          if (claimed.starts().size() + claimed.unplaceable().size() < max) break;
        }
        refreshPositions();
      } catch (RuntimeException | Error x) {
        // The database is unreachable, say: the next signal or upkeep tries again.
        log.warn("Claiming from the shared queue failed: {}", x.toString());
      }
    }

    /** The backend a waiting job would start on here; see {@link SharedQueue.Picker}. */
    private SharedQueue.Backend pick(SharedQueue.Waiting w) {
      Entry here = waitingHere.get(w.id());
      Model model = here != null ? here.model : registry.find(w.model(), w.chatKey()).orElse(null);
      if (model == null) return null;
      Instant now = clock.instant();
      for (Backend b : model.backends()) {
        if (here != null && here.tried.contains(b)) continue;
        // Put back by another instance after failing on its last backend: try another one.
        if (here == null && w.retry() && b.space().equals(w.lastBackend())) continue;
        if (b.usable(now)) return new SharedQueue.Backend(b.space(), b.concurrency());
      }
      return null;
    }

    /** The entry of a job this instance did not receive, with a view made for it. */
    private Entry load(long id) {
      Optional<Recovery> found = jobs.recovery(id);
      if (found.isEmpty() || found.get().job().state().terminal()) {
        done(id);
        return null;
      }
      JobRecord r = found.get().job();
      EventSink sink = sink(id, cluster.views().apply(r));
      Optional<Model> model = registry.find(r.model(), r.chatKey());
      if (model.isEmpty()) {
        jobs.markFailed(id, ErrorCode.BOT_RESTARTED.name(), "model removed");
        sink.emit(new JobEvent.Failed(id, ErrorCode.BOT_RESTARTED, "", Optional.empty()));
        return null;
      }
      Entry e =
          new Entry(
              id,
              r.userKey(),
              model.get(),
              r.request(),
              sink,
              r.createdAt() == null ? clock.instant() : r.createdAt());
      e.plannedSeed = found.get().plannedSeed();
      // The instance that took the command acknowledged it.
      e.acknowledged = true;
      return e;
    }

    /** Starts a job that holds a slot on {@code backendName} here. */
    void startOn(Entry e, String backendName) {
      Backend b = backendNamed(e.model, backendName);
      // The model's backends changed since the slot was taken: run on its first one.
      if (b == null) b = e.model.backends().get(0);
      Attempt attempt = Attempt.starting(b);
      leased.add(e.id);
      synchronized (lock) {
        if (closed) return;
        e.attempt = attempt;
        e.running = true;
        runningHere++;
        e.position = -1;
        active.put(e.id, e);
      }
      execute(() -> guarded(e, () -> start(e, attempt)));
    }

    /** Tells the users whose jobs wait here their places in the shared queue, when they changed. */
    private void refreshPositions() {
      if (waitingHere.isEmpty()) return;
      Map<Long, Integer> all = positions();
      if (all == null) return;
      List<Moved> moved = new ArrayList<>();
      synchronized (lock) {
        for (Entry e : waitingHere.values()) {
          Integer p = all.get(e.id);
          if (p == null) {
            // Started elsewhere, cancelled, or retried and not waiting yet: no place to show.
            if (e.acknowledged && !e.running && e.attempt == null) waitingHere.remove(e.id, e);
            continue;
          }
          int position = Math.max(0, p - 1);
          if (e.position != position) {
            e.position = position;
            moved.add(new Moved(e, position));
          }
        }
      }
      announce(moved, null);
    }

    private Map<Long, Integer> positions() {
      try {
        return queue.positions();
      } catch (RuntimeException x) {
        log.debug("Queue positions not read: {}", x.toString());
        return null;
      }
    }

    // ---- upkeep

    private void upkeepSoon() {
      try {
        claimer.execute(this::upkeep);
      } catch (RejectedExecutionException closing) {
        // closed
      }
    }

    /** Renews this instance's leases, takes over dead instances' jobs, then claims. */
    private void upkeep() {
      try {
        renew();
        takeOver();
      } catch (RuntimeException | Error x) {
        log.warn("Shared queue upkeep failed; trying again shortly: {}", x.toString());
      }
      claimRound();
      synchronized (lock) {
        if (closed) return;
      }
      nextTick = timer.schedule(this::upkeepSoon, cluster.lease().dividedBy(3));
    }

    private void renew() {
      Set<Long> mine = Set.copyOf(leased);
      if (mine.isEmpty()) return;
      Set<Long> held = leases.renew(owner, mine, cluster.lease());
      for (long id : mine) {
        if (!held.contains(id) && leased.remove(id)) {
          // Missed renewals (a long pause, say) let another instance take it: it is theirs now.
          log.warn("Job {}: taken over by another instance; leaving it to them", id);
          drop(id);
        }
      }
    }

    private void takeOver() {
      for (SharedQueue.Takeover t : queue.takeOver(owner, cluster.lease(), BATCH)) {
        leased.add(t.id());
        waitingHere.remove(t.id());
        Optional<Recovery> found = jobs.recovery(t.id());
        if (found.isEmpty()) {
          done(t.id());
          continue;
        }
        if (t.previousOwner() != null) {
          log.info("Job {}: taking it over from {} ({})", t.id(), t.previousOwner(), t.next());
        }
        try {
          resume(found.get(), cluster.views().apply(found.get().job()), t.backend());
        } catch (RuntimeException x) {
          String ref = FaultRef.next();
          log.error("Job {} could not be taken over (ref {})", t.id(), ref, x);
        }
      }
    }

    /** Ends jobs running here that another instance cancelled, as a cancel here would. */
    private void checkCancelled() {
      List<Long> ids = new ArrayList<>();
      synchronized (lock) {
        for (Entry e : active.values()) {
          if (!e.done) ids.add(e.id);
        }
      }
      if (ids.isEmpty()) return;
      for (long id : jobs.finishedAmong(ids)) {
        // This instance writes a terminal state only after finishing the entry, so an entry not
        // finished yet was ended elsewhere: cancelled, or finished by an instance that took over.
        boolean cancelled = jobs.find(id).map(r -> r.state() == JobState.CANCELLED).orElse(false);
        Entry e = drop(id);
        if (e != null && cancelled) e.sink.emit(new JobEvent.Cancelled(id));
        else done(id);
      }
    }

    /** Forgets a job here without writing anything, and stops its call; returns its entry. */
    private Entry drop(long id) {
      Entry e;
      SpaceGateway.Call call = null;
      synchronized (lock) {
        e = active.get(id);
        if (e == null || e.done) return null;
        e.done = true;
        active.remove(id);
        release(e);
        if (e.attempt != null && !e.attempt.state().terminal()) call = e.attempt.cancelled();
      }
      if (call != null) call.cancel();
      return e;
    }

    void signal() {
      WorkSignal s = signal;
      if (s == null) return;
      try {
        s.notifyNewWork();
      } catch (RuntimeException x) {
        // The others still find the work at their next upkeep.
        log.debug("New work not signalled: {}", x.toString());
      }
    }

    /** After a graceful stop: leases of jobs cut here end now, so another instance takes them. */
    void releaseUnfinished() {
      List<Long> cut = new ArrayList<>();
      synchronized (lock) {
        for (Entry e : active.values()) {
          if (!e.done) cut.add(e.id);
        }
      }
      for (long id : cut) {
        try {
          if (leased.remove(id)) leases.release(owner, id);
        } catch (RuntimeException x) {
          log.debug("Lease of job {} not released: {}", id, x.toString());
        }
      }
    }

    void close() {
      nextTick.run();
      WorkSignal s = signal;
      if (s != null) s.close();
      claimer.shutdown();
      try {
        if (!claimer.awaitTermination(10, TimeUnit.SECONDS)) claimer.shutdownNow();
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
      }
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

    /** The seed of each image in {@link #images}. */
    final List<Long> seeds = new ArrayList<>(1);

    /** The seed of the call running now. */
    Long callSeed;

    final List<ResultFile> resultFiles = new ArrayList<>(1);
    volatile Long plannedSeed;
    volatile SpaceMapping mapping;

    /** The attempt on a backend, null while the job waits for one; guarded by the engine lock. */
    Attempt attempt;

    boolean running;
    boolean done;

    /** Position in the bot's queue, -1 when not waiting; written under the engine lock. */
    volatile int position = -1;

    /** The position last written to the store; guarded by the entry's monitor. */
    int storedPosition = -1;

    /** Whether the job ever started on a backend; guarded by the entry's monitor. */
    boolean started;

    /** Whether its user was told it was accepted; guarded by the entry's monitor. */
    boolean acknowledged;

    /** The attempt of a start that waits for the acknowledgement; guarded by the monitor. */
    Attempt deferredStart;

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
