package dev.imaginebot.gradio;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What happens to a job, in order. Exactly one terminal event ({@link Completed}, {@link Failed} or
 * {@link Cancelled}) ends every job.
 */
public sealed interface Event {

  /** True for {@link Completed}, {@link Failed} and {@link Cancelled}. */
  default boolean terminal() {
    return false;
  }

  /** The Space is asleep or starting and is being waited for; {@code stage} is the Hub's word. */
  record Waking(String stage, String message) implements Event {}

  /** Waiting in the app's queue; {@code rank} 0 means next. {@code eta} may be empty. */
  record Queued(int rank, int queueSize, Optional<Duration> eta) implements Event {}

  /** A worker picked the job up. */
  record Started(Optional<Duration> eta) implements Event {}

  /** Progress from {@code gr.Progress} or tqdm; one unit per nested progress bar. */
  record Progress(List<ProgressUnit> units) implements Event {
    public Progress {
      units = List.copyOf(units);
    }
  }

  /** One progress bar. {@code index} and {@code length} may be null; {@code fraction} in 0..1. */
  record ProgressUnit(Integer index, Integer length, String unit, Double fraction, String desc) {}

  /** A toast the app showed ({@code gr.Info}, {@code gr.Warning}). Not an error. */
  record Log(String level, String message, String title) implements Event {}

  /** Intermediate output of a generator endpoint (diffs already applied). */
  record Output(List<Object> data, List<FileRef> files) implements Event {
    public Output {
      data = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(data));
      files = List.copyOf(files);
    }
  }

  /** The job finished with a result. Terminal. */
  record Completed(Prediction prediction) implements Event {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** The job failed. Terminal. */
  record Failed(Failure failure) implements Event {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** The job was cancelled. Terminal. */
  record Cancelled() implements Event {
    @Override
    public boolean terminal() {
      return true;
    }
  }
}
