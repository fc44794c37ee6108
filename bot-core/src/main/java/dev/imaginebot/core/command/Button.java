package dev.imaginebot.core.command;

/**
 * A button under a message. {@code id} is what {@code Bot#press} takes back: {@code
 * "reroll:<job>"}, {@code "vary:<job>"}, {@code "delete:<job>"}, {@code "cancel:<job>"}, {@code
 * "rerun:<job>"}, {@code "history:<page>"}. Ids survive restarts (they name stored jobs).
 */
public record Button(String id, String label) {}
