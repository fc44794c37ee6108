package dev.imaginebot.core.command;

import dev.imaginebot.core.job.JobView;

/**
 * A chat platform adapter, registered with {@link dev.imaginebot.core.Bot#register}. After a
 * restart the core asks it for a view onto each job that was in flight, so the original message is
 * updated rather than left hanging.
 */
public interface FrontEnd {
  /** The platform name, as in {@code UserRef#platform()}. */
  String platform();

  /** A view that updates the message {@code replyRef} names, for job {@code jobId}. */
  JobView reattach(long jobId, String replyRef);
}
