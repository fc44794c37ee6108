package dev.imaginebot.core.job;

/**
 * Stable codes for every way a user command can end without images. Front-ends never word these
 * themselves: {@code Messages} has the text and hint for each, in every supported language.
 */
public enum ErrorCode {
  EMPTY_PROMPT,
  PROMPT_TOO_LONG,
  BAD_FLAG,
  UNKNOWN_MODEL,
  UNKNOWN_COMMAND,
  USER_LIMIT,
  BOT_BUSY,
  NOT_ALLOWED,
  NOT_FOUND,
  QUOTA_EXCEEDED,
  SPACE_DOWN,
  /** The Space (or the Hub) could not be reached at all; the detail says why. */
  SPACE_UNREACHABLE,
  QUEUE_FULL,
  RATE_LIMITED,
  INPUT_REJECTED,
  APP_ERROR,
  TIMEOUT,
  NO_IMAGES,
  FILE_REJECTED,
  BOT_RESTARTED,
  MODEL_DEGRADED,
  INTERNAL
}
