package dev.imaginebot.app;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The app's own user-facing texts (CLI errors and guidance) in English and Simplified Chinese. The
 * bot's texts (progress, errors of jobs, help) come from the core.
 */
final class CliMessages {
  private final ResourceBundle bundle;
  private final String language;

  private CliMessages(ResourceBundle bundle, String language) {
    this.bundle = bundle;
    this.language = language;
  }

  /** {@code "en"} or {@code "zh-CN"}; anything starting with {@code zh} is Chinese. */
  static CliMessages forLanguage(String language) {
    boolean chinese = language != null && language.toLowerCase(Locale.ROOT).startsWith("zh");
    Locale locale = chinese ? Locale.SIMPLIFIED_CHINESE : Locale.ROOT;
    ResourceBundle bundle =
        ResourceBundle.getBundle(
            "dev.imaginebot.app.messages",
            locale,
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    return new CliMessages(bundle, chinese ? "zh-CN" : "en");
  }

  /** The language of the JVM's default locale (from LANG / user.language). */
  static CliMessages forDefaultLocale() {
    return forLanguage(Locale.getDefault().getLanguage());
  }

  String language() {
    return language;
  }

  /** The text for {@code key} with {@code {0}}, {@code {1}}... replaced by the arguments. */
  String text(String key, Object... args) {
    String pattern;
    try {
      pattern = bundle.getString(key);
    } catch (MissingResourceException e) {
      pattern = key;
    }
    StringBuilder out = new StringBuilder(pattern);
    for (int i = 0; i < args.length; i++) {
      String placeholder = "{" + i + "}";
      String value = String.valueOf(args[i]);
      for (int at = out.indexOf(placeholder); at >= 0; at = out.indexOf(placeholder, at)) {
        out.replace(at, at + placeholder.length(), value);
        at += value.length();
      }
    }
    return out.toString();
  }
}
