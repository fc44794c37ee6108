package dev.imaginebot.core.command;

import java.util.List;
import java.util.Objects;

/**
 * One typed option of a {@link CommandSpec}. A front-end with typed options (Discord) passes the
 * values in {@link CommandOptions} under {@link #name()}; text platforms type them after the
 * command in the command's own grammar.
 *
 * @param name the option's name: lower case ASCII, at most 32 characters
 * @param descriptionKey the message key of its one-line description (at most 100 characters)
 * @param type what kind of value it takes
 * @param required true when the command cannot run without it
 * @param choices the values a {@link Type#CHOICE} may take, in display order; empty otherwise
 * @param min the smallest value an {@link Type#INTEGER} may take, or null
 * @param maxLength the most characters a {@link Type#TEXT} may have, or null
 */
public record OptionSpec(
    String name,
    String descriptionKey,
    Type type,
    boolean required,
    List<Choice> choices,
    Long min,
    Integer maxLength) {
  public OptionSpec {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(descriptionKey, "descriptionKey == null");
    Objects.requireNonNull(type, "type == null");
    choices = List.copyOf(choices);
    if (type == Type.CHOICE && choices.isEmpty()) {
      throw new IllegalArgumentException("a choice option needs choices: " + name);
    }
  }

  /** The kinds of option value, as {@link CommandOptions} carries them. */
  public enum Type {
    /** Free text ({@code String}). */
    TEXT,
    /** A whole number ({@code Long}). */
    INTEGER,
    /** Yes or no ({@code Boolean}). */
    BOOLEAN,
    /** One of {@link #choices()} ({@code String}, the choice's value). */
    CHOICE,
    /** A model alias ({@code String}); platforms offer {@code Bot#modelAliases} as they type. */
    MODEL
  }

  /**
   * One value a {@link Type#CHOICE} option may take.
   *
   * @param value what the core receives
   * @param label what users see (the same in every language: a ratio, a language's own name)
   */
  public record Choice(String value, String label) {}
}
