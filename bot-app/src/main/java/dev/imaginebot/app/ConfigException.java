package dev.imaginebot.app;

import java.util.List;

/**
 * A problem the user must fix before the program can start (bad config, missing token). Its text is
 * one line naming the key and the fix, looked up in {@link CliMessages} by {@code key}; the program
 * prints it without a stack trace and exits with status 2.
 */
final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String messageKey;
  private final transient List<Object> args;

  ConfigException(String messageKey, Object... args) {
    super(messageKey + " " + List.of(args));
    this.messageKey = messageKey;
    this.args = List.of(args);
  }

  /** The message in the given bundle. */
  String render(CliMessages messages) {
    return messages.text(messageKey, args.toArray());
  }

  String messageKey() {
    return messageKey;
  }
}
