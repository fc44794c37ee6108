package dev.imaginebot.app;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/**
 * Logback's JSON encoder (one object per line) with every line passed through {@link Redactor}.
 * Tokens hold no characters JSON escapes, so masking the encoded line is safe.
 */
public final class RedactingJsonEncoder extends JsonEncoder {
  /** Called by Logback. */
  public RedactingJsonEncoder() {}

  @Override
  public byte[] encode(ILoggingEvent event) {
    String line = new String(super.encode(event), StandardCharsets.UTF_8);
    return Redactor.redact(line).getBytes(StandardCharsets.UTF_8);
  }
}
