package dev.imaginebot.core.internal;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;

/** The production {@link Bot}. */
public final class RealBot {
  private RealBot() {}

  public static Bot start(CoreConfig config) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
