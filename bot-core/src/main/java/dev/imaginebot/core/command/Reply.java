package dev.imaginebot.core.command;

import dev.imaginebot.core.UserText;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a command answers.
 *
 * @param kind how the front-end should treat it
 * @param text the message text (already in the user's language; plain text, may contain line
 *     breaks; never contains mentions)
 * @param buttons buttons to show under it, in rows of at most five
 * @param ephemeral show only to the user where the platform can
 * @param jobId the job a {@link Kind#JOB_STARTED} reply started, else 0
 * @param personal the reply belongs to the sender alone (their history, settings, an admin's
 *     inspect or audit): never shown to a group. Where the platform has no ephemeral messages
 *     (Telegram), front-ends send it to the sender privately, and the group gets at most a short
 *     pointer. Implies {@code ephemeral}.
 * @param later for a {@link Kind#PENDING} reply, the answer that replaces it when the work is done
 *     (completed on a core thread, never exceptionally); null for every other kind
 */
public record Reply(
    Kind kind,
    String text,
    List<Button> buttons,
    boolean ephemeral,
    long jobId,
    boolean personal,
    CompletionStage<Reply> later) {
  public Reply {
    buttons = List.copyOf(buttons);
    if (personal) ephemeral = true;
    if ((kind == Kind.PENDING) != (later != null)) {
      throw new IllegalArgumentException("a PENDING reply, and only one, has a later answer");
    }
  }

  /** A reply that is not {@link Kind#PENDING}. */
  public Reply(
      Kind kind,
      String text,
      List<Button> buttons,
      boolean ephemeral,
      long jobId,
      boolean personal) {
    this(kind, text, buttons, ephemeral, jobId, personal, null);
  }

  /** A reply that is not {@link #personal()}. */
  public Reply(Kind kind, String text, List<Button> buttons, boolean ephemeral, long jobId) {
    this(kind, text, buttons, ephemeral, jobId, false);
  }

  /** What the front-end does with a reply. */
  public enum Kind {
    /** Show {@code text} (and buttons). */
    MESSAGE,
    /** A job started: its events go to the view given in the context; show nothing else. */
    JOB_STARTED,
    /** The message the button was on was deleted by the core's decision: delete it. */
    DELETE_MESSAGE,
    /**
     * Show {@code text} as an error: the sender's own business, so {@link #error} makes it {@link
     * #personal()}.
     */
    ERROR,
    /**
     * The command waits on something slow (a Space being read): show {@code text} ("working on it")
     * now, and when {@link #later()} completes show that reply in its place (edit the message, or
     * the interaction's reply). The platform's thread need not wait: it returns at once.
     */
    PENDING
  }

  public static Reply message(String text) {
    return new Reply(Kind.MESSAGE, text, List.of(), false, 0);
  }

  public static Reply message(String text, List<Button> buttons) {
    return new Reply(Kind.MESSAGE, text, buttons, false, 0);
  }

  /**
   * A refusal of the sender's command or press (unknown model, bad flag, not an admin, a limit):
   * {@link #personal()}, so a group never sees it on a platform without ephemeral messages. A job's
   * own failure is not a reply: it shows in the job's message, where the job is.
   */
  public static Reply error(String text) {
    return new Reply(Kind.ERROR, text, List.of(), true, 0, true);
  }

  public static Reply jobStarted(long jobId) {
    return new Reply(Kind.JOB_STARTED, "", List.of(), false, jobId);
  }

  /**
   * A reply that says {@code working} now; {@code later} completes with the answer (see {@link
   * Kind#PENDING}).
   */
  public static Reply pending(String working, CompletionStage<Reply> later) {
    return new Reply(
        Kind.PENDING,
        working,
        List.of(),
        false,
        0,
        false,
        Objects.requireNonNull(later, "later == null"));
  }

  public static Reply deleteMessage() {
    return new Reply(Kind.DELETE_MESSAGE, "", List.of(), true, 0);
  }

  public Reply asEphemeral() {
    return new Reply(kind, text, buttons, true, jobId, personal, later);
  }

  /**
   * The text in parts of at most {@code max} UTF-16 units each, for a platform whose messages are
   * shorter than some replies ({@code /models}, {@code /inspect}, {@code /history}): split at line
   * breaks where possible and never inside a character. Send every part, in order; the buttons
   * belong under the last. A short text is one part.
   */
  public List<String> parts(int max) {
    return UserText.split(text == null ? "" : text, max);
  }

  /** This reply, for the sender's eyes only (see {@link #personal()}). */
  public Reply asPersonal() {
    return new Reply(kind, text, buttons, true, jobId, true, later);
  }
}
