package dev.imaginebot.core.command;

/**
 * A platform update the core stored ({@link dev.imaginebot.core.Bot#receive}) but that was not
 * handled before the bot stopped.
 *
 * @param key the platform's id for it, as given to {@code receive}
 * @param payload the update as the front-end stored it
 */
public record PendingUpdate(String key, String payload) {}
