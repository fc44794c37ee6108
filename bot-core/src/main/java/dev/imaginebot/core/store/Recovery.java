package dev.imaginebot.core.store;

import java.util.List;
import java.util.Objects;

/**
 * What the next start needs to finish a job the previous run left: unfinished, or finished but not
 * yet shown to its user.
 *
 * @param job the job
 * @param plannedSeed the seed fixed when it was created (null for jobs older than that rule)
 * @param restarts how many restarts already cut it while it was on a Space
 * @param resultFiles the Space's output files when the Space had finished (empty otherwise)
 * @param delivered whether its outcome was shown to the user
 */
public record Recovery(
    JobRecord job,
    Long plannedSeed,
    int restarts,
    List<ResultFile> resultFiles,
    boolean delivered) {
  public Recovery {
    Objects.requireNonNull(job, "job == null");
    resultFiles = List.copyOf(resultFiles);
  }
}
