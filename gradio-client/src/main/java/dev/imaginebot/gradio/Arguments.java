package dev.imaginebot.gradio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values for one call: positional values first, then named ones by {@code parameter_name}.
 * Values are plain Java values (String, Number, Boolean, List, Map, null, or a {@link FileRef} /
 * {@link java.nio.file.Path} for file inputs, uploaded as needed).
 */
public record Arguments(List<Object> positional, Map<String, Object> named) {
  public Arguments {
    positional = Collections.unmodifiableList(new ArrayList<>(positional));
    named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
  }

  /** Named values only, matched by {@code parameter_name}. */
  public static Arguments named(Map<String, ?> named) {
    return new Arguments(List.of(), new LinkedHashMap<>(named));
  }

  /** Positional values only, in the endpoint's parameter order. */
  public static Arguments positional(Object... values) {
    return new Arguments(java.util.Arrays.asList(values), Map.of());
  }
}
