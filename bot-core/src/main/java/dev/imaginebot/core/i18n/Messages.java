package dev.imaginebot.core.i18n;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;

/**
 * Every user-facing text, from UTF-8 resource bundles in English and Simplified Chinese.
 * Thread-safe.
 *
 * <p>All arguments pass through {@link #neutralize(String)}, so echoed user text can never mention
 * everyone: this is the one place that happens.
 */
public final class Messages {
  /** The languages with a bundle. */
  public static final List<String> LANGUAGES = List.of("en", "zh-CN");

  private static final String BUNDLE = "dev.imaginebot.core.i18n.messages";
  private static final int BAR = 10;

  private final Map<String, ResourceBundle> bundles;
  private final String defaultLanguage;

  /** Loads both bundles; {@code defaultLanguage} is used for a null or unknown language. */
  public Messages(String defaultLanguage) {
    ResourceBundle.Control control =
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
    this.bundles =
        Map.of(
            "en", ResourceBundle.getBundle(BUNDLE, Locale.ROOT, control),
            "zh-CN", ResourceBundle.getBundle(BUNDLE, Locale.SIMPLIFIED_CHINESE, control));
    String normalized = normalize(defaultLanguage);
    this.defaultLanguage = normalized == null ? "en" : normalized;
  }

  /**
   * A supported language for a tag: {@code zh*} is Simplified Chinese, {@code en*} English; null
   * for null or anything else.
   */
  public static String normalize(String tag) {
    if (tag == null || tag.isBlank()) return null;
    String t = tag.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    if (t.startsWith("zh")) return "zh-CN";
    if (t.startsWith("en")) return "en";
    return null;
  }

  /**
   * Inserts a zero-width space after every {@code @}, so no text can mention anyone. Idempotent: an
   * {@code @} that has its zero-width space already gets no second one.
   */
  public static String neutralize(String text) {
    if (text == null || text.indexOf('@') < 0) return text;
    return text.replaceAll("@(?!\u200B)", "@\u200B");
  }

  /** The keys a language's bundle has (for tests). */
  public Set<String> keys(String language) {
    return bundle(language).keySet();
  }

  /** The language used for {@code language}: itself if supported, else the default. */
  public String language(String language) {
    String n = normalize(language);
    return n == null ? defaultLanguage : n;
  }

  /** The text for {@code key}, formatted with {@code args} (numbers shown as plain digits). */
  public String text(String language, String key, Object... args) {
    String pattern;
    try {
      pattern = bundle(language).getString(key);
    } catch (MissingResourceException e) {
      throw new IllegalArgumentException("no message " + key, e);
    }
    Object[] safe = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Long || a instanceof Integer) safe[i] = a.toString();
      else if (a instanceof String s) safe[i] = neutralize(s);
      else if (a == null) safe[i] = "";
      else safe[i] = a;
    }
    return new MessageFormat(pattern, Locale.ROOT).format(safe);
  }

  /**
   * The text for an error code (with its arguments) followed by its hint. For {@link
   * ErrorCode#MODEL_DEGRADED} the first argument is a cause's key ({@code degraded.*}), worded
   * here.
   */
  public String error(String language, ErrorCode code, Object... args) {
    if (code == ErrorCode.MODEL_DEGRADED && args.length > 0) {
      args = args.clone();
      args[0] = degraded(language, args[0] == null ? "" : args[0].toString());
    }
    return text(language, "error." + code.name(), args)
        + "\n"
        + text(language, "hint." + code.name(), args);
  }

  /** A duration in words: {@code 45 s}, {@code 3 min 20 s}, {@code 2 h 5 min}. */
  public String duration(String language, Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) return text(language, "duration.seconds", s);
    if (s < 3600) return text(language, "duration.minutes", s / 60, s % 60);
    return text(language, "duration.hours", s / 3600, (s % 3600) / 60);
  }

  /** A text progress bar, {@code ▰▰▰▱▱▱▱▱▱▱ 3/8}. */
  public static String progressBar(Integer step, Integer total, Double fraction) {
    double f;
    if (step != null && total != null && total > 0) f = Math.min(1, (double) step / total);
    else if (fraction != null) f = Math.max(0, Math.min(1, fraction));
    else f = 0;
    int full = (int) Math.round(f * BAR);
    String bar = "\u25B0".repeat(full) + "\u25B1".repeat(BAR - full);
    if (step != null && total != null) return bar + " " + step + "/" + total;
    return bar + " " + Math.round(f * 100) + "%";
  }

  /** The text for a job event. */
  public String describe(JobEvent event, String language) {
    String lang = language(language);
    if (event instanceof JobEvent.Accepted a) {
      return a.position() <= 0
          ? text(lang, "event.accepted.next", a.model())
          : text(lang, "event.accepted", a.position(), a.model());
    }
    if (event instanceof JobEvent.Waking w) return text(lang, "event.waking", w.model());
    if (event instanceof JobEvent.SpaceQueued q) {
      return q.eta().isPresent()
          ? text(
              lang,
              "event.spaceQueued.eta",
              q.rank() + 1,
              q.queueSize(),
              duration(lang, q.eta().get()))
          : text(lang, "event.spaceQueued", q.rank() + 1, q.queueSize());
    }
    if (event instanceof JobEvent.Progress p) {
      boolean started = p.step() == null && p.fraction() == null;
      if (p.images() > 1) {
        // Variations run one image after another: say which one, or 1/4 repeats four times.
        return started
            ? text(lang, "event.progress.image.started", p.image(), p.images())
            : text(
                lang,
                "event.progress.image",
                p.image(),
                p.images(),
                progressBar(p.step(), p.total(), p.fraction()));
      }
      if (started) return text(lang, "event.progress.started");
      return text(lang, "event.progress", progressBar(p.step(), p.total(), p.fraction()));
    }
    if (event instanceof JobEvent.Completed c) return completed(lang, c);
    if (event instanceof JobEvent.Failed f) return failed(lang, f);
    if (event instanceof JobEvent.Cancelled) return text(lang, "event.cancelled");
    throw new IllegalArgumentException("unknown event " + event);
  }

  private String completed(String lang, JobEvent.Completed c) {
    String time = duration(lang, c.elapsed());
    int n = c.images().size();
    List<Long> seeds = c.seeds();
    if (seeds.size() > 1 && seeds.stream().distinct().count() > 1) {
      StringBuilder out =
          new StringBuilder(
              text(
                  lang,
                  "event.completed.seeds",
                  c.prompt(),
                  c.model(),
                  String.join(", ", seeds.stream().map(String::valueOf).toList()),
                  time,
                  n));
      // Two seeds that made one image are both shown; say so rather than leave a puzzle.
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (c.images().get(i).sha256().equals(c.images().get(j).sha256())) {
            out.append('\n').append(text(lang, "event.completed.same", seeds.get(i), seeds.get(j)));
          }
        }
      }
      return out.toString();
    }
    return c.seed() == null
        ? text(lang, "event.completed.noSeed", c.prompt(), c.model(), time, n)
        : text(lang, "event.completed", c.prompt(), c.model(), c.seed(), time, n);
  }

  private String failed(String lang, JobEvent.Failed f) {
    String detail = f.detail() == null ? "" : f.detail();
    if (f.code() == ErrorCode.SPACE_UNREACHABLE) {
      // The detail names why (a reason key); worded here, in the user's language.
      detail = text(lang, detail.startsWith("reason.") ? detail : "reason.unreachable.unknown");
    } else if (f.code() == ErrorCode.MODEL_DEGRADED) {
      detail = degraded(lang, detail);
    }
    String retry = f.retryAfter().map(d -> duration(lang, d)).orElse("");
    ErrorCode code = f.code();
    StringBuilder out = new StringBuilder(text(lang, "error." + code.name(), detail));
    if (code == ErrorCode.QUOTA_EXCEEDED) {
      out.append('\n');
      if (!retry.isEmpty() && !detail.isEmpty()) {
        out.append(text(lang, "hint.QUOTA_EXCEEDED.retryAndModel", retry, detail));
      } else if (!retry.isEmpty()) {
        out.append(text(lang, "hint.QUOTA_EXCEEDED.retry", retry));
      } else if (!detail.isEmpty()) {
        out.append(text(lang, "hint.QUOTA_EXCEEDED.model", detail));
      } else {
        out.append(text(lang, "hint.QUOTA_EXCEEDED"));
      }
      return out.toString();
    }
    if (!retry.isEmpty()
        && (code == ErrorCode.RATE_LIMITED
            || code == ErrorCode.QUEUE_FULL
            || code == ErrorCode.SPACE_DOWN)) {
      return out.append('\n').append(text(lang, "hint.retryIn", retry)).toString();
    }
    return out.append('\n').append(text(lang, "hint." + code.name(), detail)).toString();
  }

  /**
   * Words a degraded backend's cause key ({@code degraded.<CAUSE>}) in {@code lang}. Anything else
   * is internal text (English from a Space or the log) and is never shown: it is worded as an
   * unknown cause.
   */
  public String degraded(String lang, String causeKey) {
    boolean known =
        causeKey != null && causeKey.startsWith("degraded.") && bundle(lang).containsKey(causeKey);
    return text(lang, known ? causeKey : "degraded.unknown");
  }

  private ResourceBundle bundle(String language) {
    return bundles.get(language(language));
  }
}
