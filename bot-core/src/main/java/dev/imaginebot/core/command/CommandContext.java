package dev.imaginebot.core.command;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import java.util.Objects;

/**
 * Who sent a command, where, and how to show a job it may start.
 *
 * @param user the sender
 * @param chat where it was sent
 * @param platformAdmin true when the platform says the sender administers this chat (Discord Manage
 *     Server, Telegram chat administrator); configured bot admins are known to the core
 * @param replyRef an opaque string the front-end can later use to find the message that shows the
 *     job (stored with the job, handed back to {@link FrontEnd#reattach} after a restart), or null
 * @param view where the events of a job this command starts go
 * @param commandKey the platform update this command came in (as given to {@code Bot#receive}), or
 *     null: a job started for an update that was handled before is not started again
 */
public record CommandContext(
    UserRef user,
    ChatRef chat,
    boolean platformAdmin,
    String replyRef,
    JobView view,
    String commandKey) {
  public CommandContext {
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(chat, "chat == null");
    Objects.requireNonNull(view, "view == null");
  }

  /** A context for a command that does not come from a stored platform update. */
  public CommandContext(
      UserRef user, ChatRef chat, boolean platformAdmin, String replyRef, JobView view) {
    this(user, chat, platformAdmin, replyRef, view, null);
  }

  /** The same context with its job events going to {@code newView} (a decorator's). */
  public CommandContext withView(JobView newView) {
    return new CommandContext(user, chat, platformAdmin, replyRef, newView, commandKey);
  }

  /** The same context for the platform update {@code key}. */
  public CommandContext withCommandKey(String key) {
    return new CommandContext(user, chat, platformAdmin, replyRef, view, key);
  }
}
