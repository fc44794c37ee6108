package dev.imaginebot.telegram;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The messages that carry each job's images, so Delete can remove the album too. Kept in memory
 * only: after a restart Delete removes the status message alone.
 */
final class SentImages {
  private final Map<String, List<Integer>> byJob = new ConcurrentHashMap<>();

  void add(long chatId, long jobId, int messageId) {
    byJob.computeIfAbsent(key(chatId, jobId), k -> new CopyOnWriteArrayList<>()).add(messageId);
  }

  List<Integer> remove(long chatId, long jobId) {
    List<Integer> ids = byJob.remove(key(chatId, jobId));
    return ids == null ? List.of() : List.copyOf(ids);
  }

  private static String key(long chatId, long jobId) {
    return chatId + ":" + jobId;
  }
}
