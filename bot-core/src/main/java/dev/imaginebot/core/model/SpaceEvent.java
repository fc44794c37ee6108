package dev.imaginebot.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens to one call on a Space, in the core's words (see {@link SpaceGateway#submit}).
 * Exactly one terminal event ({@link Completed}, {@link Failed} or {@link Cancelled}) ends every
 * call.
 */
public sealed interface SpaceEvent {

  /** True for {@link Completed}, {@link Failed} and {@link Cancelled}. */
  default boolean terminal() {
    return false;
  }

  /** The Space is asleep or starting and is being woken. */
  record Waking() implements SpaceEvent {}

  /**
   * Waiting in the Space's own queue.
   *
   * @param rank 0 means next
   * @param size how many wait in all
   * @param eta the Space's estimate, when it gave one
   */
  record Queued(int rank, int size, Optional<Duration> eta) implements SpaceEvent {
    public Queued {
      Objects.requireNonNull(eta, "eta == null");
    }
  }

  /** A worker of the Space picked the call up. */
  record Started() implements SpaceEvent {}

  /** Progress, one unit per nested progress bar (the outermost first); may be empty. */
  record Progress(List<ProgressUnit> units) implements SpaceEvent {
    public Progress {
      units = List.copyOf(units);
    }
  }

  /**
   * One progress bar.
   *
   * @param index steps done, or null
   * @param length steps in all, or null
   * @param fraction done in 0..1, or null
   */
  record ProgressUnit(Integer index, Integer length, Double fraction) {}

  /** The call finished; {@code files} are its output files, possibly none. Terminal. */
  record Completed(List<SpaceFile> files) implements SpaceEvent {
    public Completed {
      files = List.copyOf(files);
    }

    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** The call failed. Terminal. */
  record Failed(SpaceFailure failure) implements SpaceEvent {
    public Failed {
      Objects.requireNonNull(failure, "failure == null");
    }

    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** The Space cancelled the call (its owner restarted it, say). Terminal. */
  record Cancelled() implements SpaceEvent {
    @Override
    public boolean terminal() {
      return true;
    }
  }
}
