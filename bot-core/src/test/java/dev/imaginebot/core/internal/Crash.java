package dev.imaginebot.core.internal;

import dev.imaginebot.core.Bot;

/** Stops a real core at once, as a crash would (unfinished jobs stay resumable), for tests. */
public final class Crash {
  private Crash() {}

  public static void now(Bot bot) {
    ((RealBot) bot).closeNow();
  }
}
