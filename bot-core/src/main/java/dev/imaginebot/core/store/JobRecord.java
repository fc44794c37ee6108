package dev.imaginebot.core.store;

import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.StoredImage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One stored job and its images.
 *
 * @param id the job id
 * @param userKey {@code platform:id} of its user
 * @param userName the user's display name when the job was created, or null
 * @param language the user's language tag when the job was created, or null
 * @param chatKey {@code platform:id} of the chat it was requested in
 * @param groupChat whether that chat is a server or group
 * @param platform the platform of the user
 * @param replyRef the front-end's opaque reference to the message showing the job, or null
 * @param request what was asked for
 * @param model the resolved model alias
 * @param state where the job is
 * @param backend the Space it was last submitted to, or null
 * @param queuePosition its last known position in a queue, or null
 * @param errorCode an {@code ErrorCode} name when failed, or null
 * @param errorMessage a safe-to-show detail when failed, or null
 * @param seed the seed that produced the images, or null
 * @param createdAt when it was requested (UTC)
 * @param startedAt when it was first submitted to a Space, or null
 * @param finishedAt when it reached a terminal state, or null
 * @param attempts how many times it was submitted
 * @param images its images in order (empty unless succeeded)
 */
public record JobRecord(
    long id,
    String userKey,
    String userName,
    String language,
    String chatKey,
    boolean groupChat,
    String platform,
    String replyRef,
    GenerationRequest request,
    String model,
    JobState state,
    String backend,
    Integer queuePosition,
    String errorCode,
    String errorMessage,
    Long seed,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int attempts,
    List<StoredImage> images) {
  public JobRecord {
    Objects.requireNonNull(userKey, "userKey == null");
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    images = List.copyOf(images);
  }
}
