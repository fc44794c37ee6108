package dev.imaginebot.app;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/** Logback's pattern encoder with every line passed through {@link Redactor}. */
public final class RedactingLayoutEncoder extends PatternLayoutEncoder {
  /** Called by Logback. */
  public RedactingLayoutEncoder() {}

  @Override
  public byte[] encode(ILoggingEvent event) {
    String line = new String(super.encode(event), StandardCharsets.UTF_8);
    return Redactor.redact(line).getBytes(StandardCharsets.UTF_8);
  }
}
