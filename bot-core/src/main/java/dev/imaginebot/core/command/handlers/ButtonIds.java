package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.store.SettingsStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed button ids: {@code action:arg:mac}, where {@code mac} is a truncated HMAC-SHA256 of {@code
 * action:arg} under a per-install secret kept in the database (so buttons survive restarts). A
 * crafted id ({@code cancel:5}) can't name a job the presser was never shown. The whole id stays
 * far below Telegram's 64-byte {@code callback_data} and Discord's 100-character {@code custom_id}.
 * Thread-safe.
 */
final class ButtonIds {
  static final Set<String> ACTIONS =
      Set.of("reroll", "vary", "delete", "cancel", "rerun", "history");

  private static final String SCOPE = "install";
  private static final String KEY = "button-secret";
  // 96 bits: guessing is out of reach, and the id stays short.
  private static final int MAC_BYTES = 12;

  private final byte[] secret;

  private ButtonIds(byte[] secret) {
    this.secret = secret.clone();
  }

  /** The install's secret from {@code settings}, made (and stored) on first use. */
  static ButtonIds load(SettingsStore settings) {
    Optional<String> stored = settings.get(SCOPE, KEY);
    if (stored.isEmpty()) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      settings.put(SCOPE, KEY, Base64.getEncoder().encodeToString(fresh));
      // Read back: whatever is stored is what every later start signs with.
      stored = settings.get(SCOPE, KEY);
    }
    return new ButtonIds(Base64.getDecoder().decode(stored.orElseThrow()));
  }

  /** The signed id for {@code action} on {@code arg} (a job id or a page). */
  String id(String action, long arg) {
    Objects.requireNonNull(action, "action == null");
    return action + ":" + arg + ":" + mac(action + ":" + arg);
  }

  /** What a pressed id says, once checked. */
  record Parsed(Status status, String action, long arg) {}

  /** The outcome of checking an id. */
  enum Status {
    /** Signed by this install. */
    OK,
    /** A bare {@code action:arg} id from before buttons were signed. */
    EXPIRED,
    /** Not an id this install made. */
    FORGED
  }

  Parsed parse(String id) {
    if (id == null) return forged();
    String[] parts = id.split(":", -1);
    if (parts.length < 2 || parts.length > 3 || !ACTIONS.contains(parts[0])) return forged();
    long arg;
    try {
      arg = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return forged();
    }
    if (parts.length == 2) return new Parsed(Status.EXPIRED, parts[0], arg);
    byte[] expected = mac(parts[0] + ":" + parts[1]).getBytes(StandardCharsets.US_ASCII);
    byte[] given = parts[2].getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) return forged();
    return new Parsed(Status.OK, parts[0], arg);
  }

  private static Parsed forged() {
    return new Parsed(Status.FORGED, "", 0);
  }

  private String mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] full = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
      byte[] cut = new byte[MAC_BYTES];
      System.arraycopy(full, 0, cut, 0, MAC_BYTES);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(cut);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
