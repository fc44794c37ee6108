package dev.imaginebot.core.testing;

import dev.imaginebot.core.command.Reply;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers for command replies in tests. */
public final class Replies {
  private Replies() {}

  /** The reply itself, or for a {@link Reply.Kind#PENDING} one its later answer (up to 20 s). */
  public static Reply settled(Reply reply) {
    return settled(reply, Duration.ofSeconds(20));
  }

  /** Like {@link #settled(Reply)}, waiting up to {@code timeout}. */
  public static Reply settled(Reply reply, Duration timeout) {
    if (reply.kind() != Reply.Kind.PENDING) return reply;
    try {
      return reply.later().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("no later answer within " + timeout, e);
    }
  }
}
