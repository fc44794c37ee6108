package dev.imaginebot.telegram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages that carry each job's images, so Delete can remove the album too. Kept in memory
 * only, for the most recent {@link #MAX_JOBS} jobs: after a restart, or for an older job, Delete
 * removes the status message alone. Thread-safe.
 */
final class SentImages {
  /** Jobs remembered; the oldest is forgotten first. */
  static final int MAX_JOBS = 5_000;

  /** Images remembered per job (Telegram albums hold at most ten; the core sends fewer). */
  static final int MAX_PER_JOB = 16;

  private final int maxJobs;
  private final Map<String, List<Integer>> byJob;

  SentImages() {
    this(MAX_JOBS);
  }

  SentImages(int maxJobs) {
    this.maxJobs = maxJobs;
    this.byJob =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, List<Integer>> eldest) {
            return size() > SentImages.this.maxJobs;
          }
        };
  }

  synchronized void add(long chatId, long jobId, int messageId) {
    List<Integer> ids = byJob.computeIfAbsent(key(chatId, jobId), k -> new ArrayList<>());
    if (ids.size() < MAX_PER_JOB) ids.add(messageId);
  }

  synchronized List<Integer> remove(long chatId, long jobId) {
    List<Integer> ids = byJob.remove(key(chatId, jobId));
    return ids == null ? List.of() : List.copyOf(ids);
  }

  synchronized int size() {
    return byJob.size();
  }

  private static String key(long chatId, long jobId) {
    return chatId + ":" + jobId;
  }
}
