package dev.imaginebot.core.model;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FileRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** gradio-client's events, failures and files in the core's words, and back for downloads. */
final class GradioTranslation {
  private GradioTranslation() {}

  /** The core's failure for a Gradio one. */
  static SpaceFailure failure(Failure f) {
    SpaceFailure.Kind kind = kind(f);
    Optional<SpaceFailure.Unreachable> why =
        kind == SpaceFailure.Kind.UNREACHABLE
            ? f.unreachable().map(GradioTranslation::unreachable)
            : Optional.empty();
    return new SpaceFailure(kind, f.message(), f.retryAfter(), why);
  }

  /** Exhaustive with no default: a new gradio-client code fails to compile until mapped here. */
  private static SpaceFailure.Kind kind(Failure f) {
    return switch (f.code()) {
      case QUOTA_EXCEEDED -> SpaceFailure.Kind.QUOTA_EXCEEDED;
      case QUEUE_FULL -> SpaceFailure.Kind.QUEUE_FULL;
      case RATE_LIMITED -> SpaceFailure.Kind.RATE_LIMITED;
      case TIMEOUT -> SpaceFailure.Kind.TIMEOUT;
      case UNREACHABLE -> SpaceFailure.Kind.UNREACHABLE;
      case QUEUE_STOPPED,
          AUTH_REQUIRED,
          AUTH_DENIED,
          SPACE_NOT_FOUND,
          SPACE_NOT_RUNNING,
          // The configuration no longer allows this backend's host: another backend may be.
          HOST_REFUSED ->
          SpaceFailure.Kind.SPACE_DOWN;
      // Only the engine cancels on purpose, and then it ignores the event: a cancel from the
      // Space itself (its owner restarted it) is a lost connection.
      case CONNECTION_LOST, CANCELLED -> SpaceFailure.Kind.CONNECTION_LOST;
      case PROTOCOL_ERROR -> SpaceFailure.Kind.PROTOCOL_ERROR;
      case ENDPOINT_NOT_FOUND -> SpaceFailure.Kind.ENDPOINT_MISSING;
      case INPUT_REJECTED -> SpaceFailure.Kind.INPUT_REJECTED;
      case APP_ERROR -> SpaceFailure.Kind.APP_ERROR;
      case FILE_REJECTED -> SpaceFailure.Kind.FILE_REJECTED;
    };
  }

  private static SpaceFailure.Unreachable unreachable(Failure.Unreachable why) {
    return switch (why) {
      case NAME_NOT_RESOLVED -> SpaceFailure.Unreachable.NAME_NOT_RESOLVED;
      case REFUSED -> SpaceFailure.Unreachable.REFUSED;
      case TIMED_OUT -> SpaceFailure.Unreachable.TIMED_OUT;
    };
  }

  /**
   * The core's event for a Gradio one, or null for what the core does not follow (the app's toasts,
   * a generator's intermediate output). A terminal {@code Completed} keeps its files only.
   */
  static SpaceEvent event(Event e) {
    if (e instanceof Event.Waking) return new SpaceEvent.Waking();
    if (e instanceof Event.Queued q) return new SpaceEvent.Queued(q.rank(), q.queueSize(), q.eta());
    if (e instanceof Event.Started) return new SpaceEvent.Started();
    if (e instanceof Event.Progress p) {
      List<SpaceEvent.ProgressUnit> units = new ArrayList<>(p.units().size());
      for (Event.ProgressUnit u : p.units()) {
        units.add(new SpaceEvent.ProgressUnit(u.index(), u.length(), u.fraction()));
      }
      return new SpaceEvent.Progress(units);
    }
    if (e instanceof Event.Completed c) {
      List<SpaceFile> files = new ArrayList<>(c.prediction().files().size());
      for (FileRef f : c.prediction().files()) files.add(file(f));
      return new SpaceEvent.Completed(files);
    }
    if (e instanceof Event.Failed f) return new SpaceEvent.Failed(failure(f.failure()));
    if (e instanceof Event.Cancelled) return new SpaceEvent.Cancelled();
    return null;
  }

  static SpaceFile file(FileRef f) {
    return new SpaceFile(f.url(), f.path(), f.mimeType());
  }

  /** The Gradio file for a download; a file's name and caption play no part in fetching it. */
  static FileRef fileRef(SpaceFile f) {
    return new FileRef(f.url(), f.path(), null, f.mimeType(), null);
  }
}
