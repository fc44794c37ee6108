package dev.imaginebot.gradio;

import java.util.List;

/**
 * One input of an endpoint, as {@code /info} (or, for old apps, the config) describes it.
 *
 * @param name the Python argument name ({@code parameter_name}), or {@code param_<i>} when the app
 *     is too old to say
 * @param label the component label, or null
 * @param type the JSON type ({@code "string"}, {@code "number"}, {@code "boolean"}, {@code
 *     "integer"}, {@code "object"}, ...), or null
 * @param pythonType the Python type name, or null
 * @param component the component type, for example {@code "Textbox"} or {@code "Slider"}
 * @param hasDefault whether the endpoint has a default for it
 * @param defaultValue the default as a plain Java value, or null
 * @param minimum slider minimum from the component's props, or null
 * @param maximum slider maximum, or null
 * @param step slider step, or null
 * @param choices dropdown or radio choices, empty when none
 */
public record Parameter(
    String name,
    String label,
    String type,
    String pythonType,
    String component,
    boolean hasDefault,
    Object defaultValue,
    Double minimum,
    Double maximum,
    Double step,
    List<Object> choices) {
  public Parameter {
    choices = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(choices));
  }
}
