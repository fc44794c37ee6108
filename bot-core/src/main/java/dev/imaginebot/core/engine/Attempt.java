package dev.imaginebot.core.engine;

import dev.imaginebot.core.model.Backend;
import dev.imaginebot.core.model.SpaceGateway;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The life of one attempt of a job on one backend, as explicit states with the moves between them;
 * a move the state does not allow is refused. The engine makes a new attempt each time a job is
 * placed on a backend (its first start, each failover), so an event of an older attempt is
 * recognised as stale by identity: it is not the job's current attempt.
 *
 * <pre>
 * STARTING ─▶ SUBMITTED ─▶ QUEUED ─▶ RUNNING ─▶ COLLECTING ─▶ SUCCEEDED
 *                 ▲  └────────┴──────────┴─────────▶│
 *                 └─────────── (another call) ──────┘
 * any state but a final one ─▶ FAILED or CANCELLED
 * </pre>
 *
 * <p>Moves the Space's events ask for ({@link #queued}, {@link #running}, {@link #completed})
 * answer false when they do not apply (a late event of a call that moved on) and change nothing;
 * moves the engine itself makes throw {@link IllegalStateException} when illegal, since that is a
 * bug. Thread-safe: the Space's callback threads and the engine's workers move it.
 */
final class Attempt {
  /** Where an attempt is. */
  enum State {
    /** Placed on a backend; reading its API (which may wake the Space). */
    STARTING,
    /** A call was sent to the Space. */
    SUBMITTED,
    /** Waiting in the Space's own queue. */
    QUEUED,
    /** A worker of the Space runs the call. */
    RUNNING,
    /** The Space finished the call; its files are being downloaded and stored. */
    COLLECTING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the attempt is over. */
    boolean terminal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  private static final Set<State> ON_SPACE =
      EnumSet.of(State.SUBMITTED, State.QUEUED, State.RUNNING);

  private final Backend backend;
  private State state;
  private boolean ran;
  private SpaceGateway.Call call;

  private Attempt(Backend backend, State state) {
    this.backend = Objects.requireNonNull(backend, "backend == null");
    this.state = state;
  }

  /** An attempt that starts on {@code backend}: its API is read, then it is called. */
  static Attempt starting(Backend backend) {
    return new Attempt(backend, State.STARTING);
  }

  /**
   * An attempt whose call finished on {@code backend} before a restart: only its files are left to
   * collect, it is never called again.
   */
  static Attempt collecting(Backend backend) {
    return new Attempt(backend, State.COLLECTING);
  }

  Backend backend() {
    return backend;
  }

  synchronized State state() {
    return state;
  }

  /**
   * A call is about to be sent: the first one ({@code STARTING}), or another for more variations
   * ({@code COLLECTING}). Made before the call goes out, so its events find the attempt ready.
   * False when the attempt ended meanwhile (the job was cancelled): send nothing.
   */
  synchronized boolean submitted() {
    if (state.terminal()) return false;
    require(state == State.STARTING || state == State.COLLECTING, "submit");
    state = State.SUBMITTED;
    return true;
  }

  /**
   * Keeps the call in flight, to cancel it with the attempt. Returns false when the attempt is over
   * already: then the caller cancels the call.
   */
  synchronized boolean holds(SpaceGateway.Call inFlight) {
    if (state.terminal()) return false;
    call = inFlight;
    return true;
  }

  /** The Space queued the call. False (nothing changes) unless it was sent and has not started. */
  synchronized boolean queued() {
    if (state != State.SUBMITTED && state != State.QUEUED) return false;
    state = State.QUEUED;
    return true;
  }

  /**
   * The Space started the call or reported progress. False (nothing changes) when the call is not
   * on the Space; true also for every later progress report.
   */
  synchronized boolean running() {
    if (!ON_SPACE.contains(state)) return false;
    state = State.RUNNING;
    return true;
  }

  /**
   * Whether this is the first time this attempt runs on the Space (the moment to persist it), after
   * a {@link #running()} that answered true.
   */
  synchronized boolean firstRun() {
    if (state != State.RUNNING || ran) return false;
    ran = true;
    return true;
  }

  /** The Space finished the call. False (nothing changes) unless the call was on the Space. */
  synchronized boolean completed() {
    if (!ON_SPACE.contains(state)) return false;
    state = State.COLLECTING;
    return true;
  }

  /** Ends the attempt with the images collected. Only from {@code COLLECTING}. */
  synchronized void succeeded() {
    require(state == State.COLLECTING, "succeed");
    end(State.SUCCEEDED);
  }

  /** Ends the attempt as failed (the job fails, or moves on to another backend). */
  synchronized void failed() {
    require(!state.terminal(), "fail");
    end(State.FAILED);
  }

  /**
   * Ends the attempt as cancelled and returns the call to cancel on the Space, or null when none is
   * in flight.
   */
  synchronized SpaceGateway.Call cancelled() {
    require(!state.terminal(), "cancel");
    SpaceGateway.Call inFlight = ON_SPACE.contains(state) ? call : null;
    end(State.CANCELLED);
    return inFlight;
  }

  private void end(State outcome) {
    state = outcome;
    call = null;
  }

  private void require(boolean legal, String move) {
    if (!legal) throw new IllegalStateException("cannot " + move + " an attempt that is " + state);
  }

  @Override
  public synchronized String toString() {
    return "Attempt(" + backend + ", " + state + ")";
  }
}
