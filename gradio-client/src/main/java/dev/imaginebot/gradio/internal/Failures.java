package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import java.io.IOException;
import java.text.BreakIterator;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what apps and proxies say into {@link Failure} values with friendly messages. */
final class Failures {
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern HMS =
      Pattern.compile("(?i)(?:retry|try again)\\s+in\\s+(\\d+):(\\d{1,2}):(\\d{1,2})");
  private static final Pattern MS =
      Pattern.compile("(?i)(?:retry|try again)\\s+in\\s+(\\d+):(\\d{1,2})(?!:)");
  private static final Pattern WORDS =
      Pattern.compile(
          "(?i)(?:retry|try again)\\s+in\\s+(?:about\\s+)?((?:\\d+\\s*(?:hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\\b[\\s,and]*)+)");
  private static final Pattern PART =
      Pattern.compile("(?i)(\\d+)\\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\\b");
  private static final int MAX_MESSAGE = 500;

  private Failures() {}

  static GradioException exception(FailureCode code, String message) {
    return new GradioException(Failure.of(code, message));
  }

  /**
   * Why a host could not be reached, in words for a failure message: the name did not resolve, the
   * connection was refused, or it timed out. Null when the exception says none of these. The same
   * classification becomes the failure's {@link Failure#unreachable()} reason (see {@link
   * GradioException}).
   */
  static String unreachable(IOException e) {
    Failure.Unreachable why = Failure.Unreachable.of(e);
    return why == null ? null : why.phrase();
  }

  /** Plain text of an HTML-ish message: tags removed, entities decoded, whitespace collapsed. */
  static String stripHtml(String html) {
    if (html == null) return "";
    String text = TAG.matcher(html).replaceAll(" ");
    text =
        text.replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&amp;", "&");
    text = SPACES.matcher(text).replaceAll(" ").trim();
    // Some releases send repr() of the message: drop the quotes around it.
    if (text.length() >= 2
        && (text.charAt(0) == '"' || text.charAt(0) == '\'')
        && text.charAt(text.length() - 1) == text.charAt(0)) {
      text = text.substring(1, text.length() - 1).trim();
    }
    if (text.length() > MAX_MESSAGE)
      text = text.substring(0, cutPoint(text, MAX_MESSAGE - 1)) + "…";
    return text;
  }

  /** The last character boundary at or before {@code index}: never half an emoji or accent. */
  static int cutPoint(String text, int index) {
    BreakIterator chars = BreakIterator.getCharacterInstance(Locale.ROOT);
    chars.setText(text);
    if (chars.isBoundary(index)) return index;
    int before = chars.preceding(index);
    return before == BreakIterator.DONE ? 0 : before;
  }

  /**
   * The failure for a {@code process_completed} with {@code success:false}: a quota failure when
   * the title or text says so, otherwise the app's own error.
   */
  static Failure appError(String title, String error) {
    String text = stripHtml(error);
    String plainTitle = stripHtml(title);
    if (isQuota(plainTitle, text)) {
      String message = text.isEmpty() ? plainTitle : text;
      if (message.isEmpty()) message = "The Space's GPU quota is exhausted.";
      return new Failure(FailureCode.QUOTA_EXCEEDED, message, retryHint(text));
    }
    if (text.isEmpty()) {
      return Failure.of(
          FailureCode.APP_ERROR,
          plainTitle.isEmpty() || plainTitle.equalsIgnoreCase("error")
              ? "The app raised an error without a message."
              : "The app raised an error: " + plainTitle);
    }
    return Failure.of(FailureCode.APP_ERROR, text);
  }

  static boolean isQuota(String title, String text) {
    String t = title == null ? "" : title.toLowerCase(Locale.ROOT);
    if (t.contains("zerogpu") || t.contains("quota")) return true;
    String s = text == null ? "" : text.toLowerCase(Locale.ROOT);
    return s.contains("gpu quota")
        || s.contains("zerogpu quota")
        || s.contains("free gpu quota")
        || s.contains("zerogpu runs limit")
        || s.contains("no gpu is currently available")
        || s.contains("gpu task aborted")
        || (s.contains("quota") && s.contains("exceeded"));
  }

  /** Parses "retry in 0:09:48", "Try again in 5:00" or "try again in 2 minutes". */
  static Optional<Duration> retryHint(String text) {
    if (text == null) return Optional.empty();
    Matcher m = HMS.matcher(text);
    if (m.find()) {
      return Optional.of(
          Duration.ofHours(Long.parseLong(m.group(1)))
              .plusMinutes(Long.parseLong(m.group(2)))
              .plusSeconds(Long.parseLong(m.group(3))));
    }
    m = MS.matcher(text);
    if (m.find()) {
      return Optional.of(
          Duration.ofMinutes(Long.parseLong(m.group(1))).plusSeconds(Long.parseLong(m.group(2))));
    }
    m = WORDS.matcher(text);
    if (m.find()) {
      Duration d = Duration.ZERO;
      Matcher p = PART.matcher(m.group(1));
      while (p.find()) {
        long n = Long.parseLong(p.group(1));
        char unit = p.group(2).toLowerCase(Locale.ROOT).charAt(0);
        d = unit == 'h' ? d.plusHours(n) : unit == 'm' ? d.plusMinutes(n) : d.plusSeconds(n);
      }
      if (!d.isZero()) return Optional.of(d);
    }
    return Optional.empty();
  }

  /** Parses an HTTP {@code Retry-After} in seconds. */
  static Optional<Duration> retryAfterHeader(String value) {
    if (value == null) return Optional.empty();
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
