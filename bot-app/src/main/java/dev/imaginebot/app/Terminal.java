package dev.imaginebot.app;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Text output with one updating status line. On a terminal the status line is rewritten in place
 * (carriage return, clear to end of line); otherwise every status is its own line, so scripts and
 * tests can read each one. Thread-safe: views print from core threads.
 */
final class Terminal {
  private static final String CLEAR_LINE = "\033[K";

  private final PrintStream out;
  private final boolean interactive;
  private boolean statusShown;

  Terminal(PrintStream out, boolean interactive) {
    this.out = Objects.requireNonNull(out, "out == null");
    this.interactive = interactive;
  }

  /** Shows {@code text} as the status line, replacing the previous one on a terminal. */
  synchronized void status(String text) {
    String line = text.replace('\n', ' ');
    if (interactive) {
      out.print("\r" + line + CLEAR_LINE);
      statusShown = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints {@code text} on lines of its own, below any status line. */
  synchronized void println(String text) {
    if (statusShown) {
      out.print("\r" + CLEAR_LINE);
      statusShown = false;
    }
    out.println(text);
    out.flush();
  }

  /** Ends the status line so the next output starts on a fresh line. */
  synchronized void endStatus() {
    if (statusShown) {
      out.println();
      statusShown = false;
      out.flush();
    }
  }

  /** Prints a prompt without a newline (interactive use only). */
  synchronized void prompt(String text) {
    if (!interactive) return;
    if (statusShown) {
      out.println();
      statusShown = false;
    }
    out.print(text);
    out.flush();
  }
}
