package dev.imaginebot.core.job;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a front-end shows about a job. {@code Messages#describe(JobEvent, String)} turns any event
 * into text, so front-ends hold no wording.
 */
public sealed interface JobEvent {
  /** The job's id; 0 when a request was rejected before a job existed. */
  long jobId();

  default boolean terminal() {
    return false;
  }

  /** Accepted into the bot's own queue; {@code position} 0 means it runs next. */
  record Accepted(long jobId, int position, String model) implements JobEvent {}

  /** The Space is asleep or starting; the job waits for it. */
  record Waking(long jobId, String model) implements JobEvent {}

  /** Waiting in the Space's queue. */
  record SpaceQueued(long jobId, int rank, int queueSize, Optional<Duration> eta)
      implements JobEvent {}

  /** Running on the Space; {@code step}/{@code total} may be null when the Space reports none. */
  record Progress(long jobId, Integer step, Integer total, Double fraction) implements JobEvent {}

  /** Done: the images, and what produced them. Terminal. */
  record Completed(
      long jobId,
      String prompt,
      String model,
      Long seed,
      Duration elapsed,
      List<StoredImage> images)
      implements JobEvent {
    public Completed {
      images = List.copyOf(images);
    }

    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** Failed for a reason with a stable code; {@code detail} is safe to show. Terminal. */
  record Failed(long jobId, ErrorCode code, String detail, Optional<Duration> retryAfter)
      implements JobEvent {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** Cancelled by the user or an admin. Terminal. */
  record Cancelled(long jobId) implements JobEvent {
    @Override
    public boolean terminal() {
      return true;
    }
  }
}
