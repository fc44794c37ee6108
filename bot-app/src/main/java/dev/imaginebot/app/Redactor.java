package dev.imaginebot.app;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Masks secrets in log output: the exact secrets the config resolved, and anything shaped like a
 * Discord bot token, a Telegram bot token, a Hugging Face token or a bearer credential.
 */
public final class Redactor {
  static final String MASK = "***";

  private static final List<Pattern> SHAPES =
      List.of(
          // Discord: base64 user id, base64 timestamp, HMAC.
          Pattern.compile("[A-Za-z0-9_-]{23,28}\\.[A-Za-z0-9_-]{6,7}\\.[A-Za-z0-9_-]{27,}"),
          // Telegram: numeric bot id, colon, 35 characters (also inside /bot<token>/ URLs).
          Pattern.compile("\\d{5,}:[A-Za-z0-9_-]{30,}"),
          // Hugging Face user and organisation tokens.
          Pattern.compile("\\b(?:hf|api_org)_[A-Za-z0-9]{20,}"),
          Pattern.compile("(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{8,}"));

  // Secrets resolved from the config live for the whole process, like the logger itself.
  private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

  private Redactor() {}

  /** Remembers a secret so it is masked wherever it appears in a log line. */
  static void addSecret(String secret) {
    if (secret != null && secret.length() >= 6) SECRETS.add(secret);
  }

  /** {@code text} with every secret masked. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) return text;
    String out = text;
    for (String secret : SECRETS) {
      if (out.contains(secret)) out = out.replace(secret, MASK);
    }
    for (Pattern shape : SHAPES) {
      out = shape.matcher(out).replaceAll(MASK);
    }
    return out;
  }
}
