package dev.imaginebot.core.request;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import java.util.Arrays;
import java.util.List;

/**
 * The outcome of parsing an {@code /imagine} request: a request, or an error code with a message
 * key and its arguments (worded by {@code Messages}).
 *
 * @param request the request, or null on error
 * @param error the error code, or null on success
 * @param messageKey the message key for the specific error, or null on success
 * @param args the message arguments
 */
public record ParseResult(
    GenerationRequest request, ErrorCode error, String messageKey, List<Object> args) {
  public ParseResult {
    args = List.copyOf(args);
  }

  /** A parsed request. */
  public static ParseResult ok(GenerationRequest request) {
    return new ParseResult(request, null, null, List.of());
  }

  /** A parse error. */
  public static ParseResult error(ErrorCode code, String messageKey, Object... args) {
    return new ParseResult(null, code, messageKey, Arrays.asList(args));
  }

  public boolean ok() {
    return request != null;
  }
}
