package dev.imaginebot.gradio;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A finished job's result.
 *
 * @param data the decoded output values, one per endpoint output, as plain Java values (Map, List,
 *     String, Number, Boolean, null); State outputs are null
 * @param files every file found in {@code data}, in order, whatever the output shape
 * @param duration how long the server says the job ran, or {@link Duration#ZERO}
 */
public record Prediction(List<Object> data, List<FileRef> files, Duration duration) {
  public Prediction {
    data = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(data));
    files = List.copyOf(files);
    Objects.requireNonNull(duration, "duration == null");
  }
}
