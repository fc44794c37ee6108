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

  /**
   * Running on the Space; {@code step}/{@code total} may be null when the Space reports none. A job
   * of several images (Variations) runs them one after another: {@code image} of {@code images}
   * (both from 1) says which is running.
   */
  record Progress(long jobId, Integer step, Integer total, Double fraction, int image, int images)
      implements JobEvent {
    public Progress {
      if (images < 1 || image < 1 || image > images) {
        throw new IllegalArgumentException("image " + image + " of " + images);
      }
    }

    /** Progress of a job of one image. */
    public Progress(long jobId, Integer step, Integer total, Double fraction) {
      this(jobId, step, total, fraction, 1, 1);
    }
  }

  /**
   * Done: the images, and what produced them. Terminal.
   *
   * @param seed the first image's seed, or null
   * @param seeds each image's seed, in the order of {@code images}, when known (empty when not, as
   *     for a result shown again after a restart, which keeps only the first); two equal images
   *     from two seeds are both kept
   */
  record Completed(
      long jobId,
      String prompt,
      String model,
      Long seed,
      Duration elapsed,
      List<StoredImage> images,
      List<Long> seeds)
      implements JobEvent {
    public Completed {
      images = List.copyOf(images);
      seeds = List.copyOf(seeds);
      if (!seeds.isEmpty() && seeds.size() != images.size()) {
        throw new IllegalArgumentException(
            seeds.size() + " seeds for " + images.size() + " images");
      }
    }

    /** A result whose images' own seeds are not known beyond the first. */
    public Completed(
        long jobId,
        String prompt,
        String model,
        Long seed,
        Duration elapsed,
        List<StoredImage> images) {
      this(jobId, prompt, model, seed, elapsed, images, List.of());
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
