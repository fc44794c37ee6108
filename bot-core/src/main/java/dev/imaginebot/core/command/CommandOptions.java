package dev.imaginebot.core.command;

import dev.imaginebot.core.job.GenerationRequest;
import java.util.Map;
import java.util.Objects;

/**
 * The typed option values of one command, by {@link OptionSpec#name()}, from a front-end whose
 * platform has typed options: {@code String} for text, choices and models, {@code Long} for
 * integers, {@code Boolean} for yes/no. An option the user left out is absent. Values are taken as
 * given: never re-read as the text grammar (a prompt that contains {@code --seed 7} is a prompt).
 */
public record CommandOptions(Map<String, Object> values) {
  public CommandOptions {
    values = Map.copyOf(values);
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Long || v instanceof Boolean)) {
        throw new IllegalArgumentException("option " + e.getKey() + " is a " + v.getClass());
      }
    }
  }

  /** No options. */
  public static CommandOptions none() {
    return new CommandOptions(Map.of());
  }

  /** A text, choice or model option, stripped; null when absent or blank. */
  public String text(String name) {
    Object v = values.get(Objects.requireNonNull(name, "name == null"));
    if (v == null) return null;
    if (!(v instanceof String)) throw new IllegalStateException(name + " is not text: " + v);
    String s = ((String) v).strip();
    return s.isEmpty() ? null : s;
  }

  /** An integer option; null when absent. */
  public Long integer(String name) {
    Object v = values.get(Objects.requireNonNull(name, "name == null"));
    if (v == null) return null;
    if (!(v instanceof Long)) throw new IllegalStateException(name + " is not an integer: " + v);
    return (Long) v;
  }

  /** A yes/no option; false when absent. */
  public boolean flag(String name) {
    Object v = values.get(Objects.requireNonNull(name, "name == null"));
    if (v == null) return false;
    if (!(v instanceof Boolean)) throw new IllegalStateException(name + " is not yes/no: " + v);
    return (Boolean) v;
  }

  /**
   * The typed generation request that {@code imagine}'s options make (prompt, model, negative
   * prompt, seed, aspect ratio), taken as given: the core checks it and fills in the defaults.
   */
  public GenerationRequest generationRequest() {
    String prompt = text("prompt");
    return new GenerationRequest(
        prompt == null ? "" : prompt,
        text("model"),
        text("negative"),
        integer("seed"),
        text("aspect"),
        null,
        null,
        null,
        null,
        1);
  }
}
