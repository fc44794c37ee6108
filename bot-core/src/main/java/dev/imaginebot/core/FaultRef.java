package dev.imaginebot.core;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Short references that tie what a user sees ("something went wrong (ref 7f3a)") to the one log
 * line with the stack trace. The one way every module makes them.
 */
public final class FaultRef {
  private FaultRef() {}

  /** A new reference: four lower-case hex digits, never starting with 0. Thread-safe. */
  public static String next() {
    return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }
}
