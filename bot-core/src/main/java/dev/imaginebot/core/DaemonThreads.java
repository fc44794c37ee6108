package dev.imaginebot.core;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory for the bot's own pools: daemon threads, so a forgotten pool never keeps
 * the JVM alive (shutdown closes every pool explicitly anyway), named {@code prefix-1}, {@code
 * prefix-2}, ... so thread dumps and log lines say whose thread it is.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads named {@code prefix-<n>}, counting from 1. Thread-safe. */
  public static ThreadFactory named(String prefix) {
    Objects.requireNonNull(prefix, "prefix == null");
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
