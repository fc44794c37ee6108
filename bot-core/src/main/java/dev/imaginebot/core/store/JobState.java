package dev.imaginebot.core.store;

/** Where a job is in its life. Stored by name. */
public enum JobState {
  /** Waiting in the bot's own queue. */
  QUEUED,
  /** Sent to a Space, waiting there. */
  SUBMITTED,
  /** Running on a Space. */
  RUNNING,
  /** Done, with images. */
  SUCCEEDED,
  /** Ended without images. */
  FAILED,
  /** Cancelled by its user or an admin. */
  CANCELLED;

  /** True for states a job never leaves. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
