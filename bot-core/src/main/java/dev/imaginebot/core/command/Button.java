package dev.imaginebot.core.command;

/**
 * A button under a message. {@code id} is what {@code Bot#press} takes back: {@code
 * "<action>:<arg>:<signature>"} with action {@code reroll}, {@code vary}, {@code delete}, {@code
 * cancel}, {@code rerun} (arg: a job) or {@code history} (arg: a page). Front-ends may read the
 * action and arg but must pass the id back unchanged. Ids survive restarts (they name stored jobs
 * and are signed with a secret kept in the database); at most 40 ASCII characters.
 */
public record Button(String id, String label) {}
