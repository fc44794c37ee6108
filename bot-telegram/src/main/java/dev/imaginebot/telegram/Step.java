package dev.imaginebot.telegram;

import java.util.List;

/** One Bot API call queued in a chat's {@link Outbox}. */
abstract class Step {
  private boolean followedMigration;

  /**
   * Makes the call (on an outbox thread; may block). Returns steps to run next, ahead of anything
   * queued after this one. Throws {@link ApiFailure}; a 429 makes the outbox run it again later, so
   * build request bodies (streams!) inside this method.
   */
  abstract List<Step> run(TelegramApi api);

  /** The Bot API method, for logs. */
  abstract String method();

  /** True for edits, which flood control spaces out. */
  boolean edit() {
    return false;
  }

  /** The call failed for good (logged already); returns steps to run instead, if any. */
  List<Step> failed(ApiFailure failure) {
    return List.of();
  }

  /**
   * True the first time the call's group turned out to be upgraded (the outbox makes it again, in
   * the new chat); false after that, so a call that can't be redirected fails instead of looping.
   */
  final boolean followMigration() {
    if (followedMigration) return false;
    followedMigration = true;
    return true;
  }

  /** The call succeeded by doing nothing (an edit to the same content). */
  List<Step> unchanged() {
    return List.of();
  }
}
