package dev.imaginebot.telegram;

import java.time.Duration;
import java.util.Optional;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * A failed Bot API call: Telegram's answer ({@code error_code}, {@code description}, {@code
 * retry_after}) or a transport failure (code 0). Its message never contains the token or a URL.
 */
final class ApiFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final int errorCode;
  private final String description;
  private final Integer retryAfterSeconds;
  private final Long migrateToChatId;

  ApiFailure(String method, int errorCode, String description, Integer retryAfterSeconds) {
    this(method, errorCode, description, retryAfterSeconds, null);
  }

  ApiFailure(
      String method,
      int errorCode,
      String description,
      Integer retryAfterSeconds,
      Long migrateToChatId) {
    super(method + " failed: " + (errorCode == 0 ? "" : errorCode + " ") + description);
    this.method = method;
    this.errorCode = errorCode;
    this.description = description;
    this.retryAfterSeconds = retryAfterSeconds;
    this.migrateToChatId = migrateToChatId;
  }

  /** Classifies a TelegramBots exception; {@code token} is scrubbed from every text kept. */
  static ApiFailure of(String method, TelegramApiException e, String token) {
    if (e instanceof TelegramApiRequestException r && r.getErrorCode() != null) {
      Integer retryAfter = r.getParameters() == null ? null : r.getParameters().getRetryAfter();
      Long migrateTo = r.getParameters() == null ? null : r.getParameters().getMigrateToChatId();
      return new ApiFailure(
          method, r.getErrorCode(), redact(r.getApiResponse(), token), retryAfter, migrateTo);
    }
    // Transport trouble: describe it by type and message only, never with the request URL.
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new ApiFailure(
        method,
        0,
        cause.getClass().getSimpleName() + ": " + redact(cause.getMessage(), token),
        null);
  }

  static String redact(String text, String token) {
    if (text == null) return "";
    String out = text;
    if (token != null && !token.isEmpty()) out = out.replace(token, "<token>");
    // Belt and braces: anything that looks like a Bot API path loses its token.
    return out.replaceAll("/bot[^/\\s]+/", "/bot<token>/");
  }

  String method() {
    return method;
  }

  int errorCode() {
    return errorCode;
  }

  String description() {
    return description;
  }

  Optional<Duration> retryAfter() {
    if (errorCode != 429) return Optional.empty();
    return Optional.of(Duration.ofSeconds(retryAfterSeconds == null ? 1 : retryAfterSeconds));
  }

  /**
   * The chat a group became when it was upgraded to a supergroup ({@code
   * parameters.migrate_to_chat_id}): the call is to be made again there.
   */
  Optional<Long> migratedTo() {
    return Optional.ofNullable(migrateToChatId);
  }

  /** Telegram's answer to an edit that changes nothing: for us, a success. */
  boolean notModified() {
    return errorCode == 400 && description.contains("message is not modified");
  }

  /** The message to edit or delete is gone (deleted by a user, too old). */
  boolean messageGone() {
    return errorCode == 400
        && (description.contains("message to edit not found")
            || description.contains("message to delete not found")
            || description.contains("message can't be deleted"));
  }

  /** Telegram would not take an upload as a photo (too many bytes or bad dimensions). */
  boolean photoRejected() {
    String d = description.toUpperCase(java.util.Locale.ROOT);
    return errorCode == 413
        || (errorCode == 400
            && (d.contains("PHOTO_INVALID_DIMENSIONS")
                || d.contains("PHOTO_SAVE_FILE_INVALID")
                || d.contains("TOO BIG")
                || d.contains("TOO LARGE")));
  }
}
