package dev.imaginebot.telegram;

import org.telegram.telegrambots.meta.api.objects.User;

/**
 * A command as the handlers see it.
 *
 * @param chatId the chat (negative for groups)
 * @param group true for group and supergroup chats
 * @param messageId the user's message, which replies answer
 * @param from the sender
 * @param command the command name, lower case, without {@code /} and {@code @BotName}
 * @param args the text after the command, trimmed (may be empty)
 * @param updateKey the key the update was stored under ({@code Bot#receive}), or null
 */
record Incoming(
    long chatId,
    boolean group,
    int messageId,
    User from,
    String command,
    String args,
    String updateKey) {
  String language() {
    return from.getLanguageCode();
  }
}
