package dev.imaginebot.app;

import dev.imaginebot.core.job.ImageFile;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Shows jobs in a terminal: every update as the status line (as the core rendered it), and on
 * completion the images copied to a folder with their paths printed. Keeps track of jobs not yet
 * finished so callers can wait for them.
 */
final class JobPrinter {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JobPrinter.class);

  private final Terminal status;
  private final Consumer<String> paths;
  private final Path imagesDir;
  private final boolean showButtons;
  private final Set<View> pending = new HashSet<>();
  private final List<JobEvent> finished = new ArrayList<>();

  /**
   * @param status where events go
   * @param paths receives the absolute path of each saved image
   * @param imagesDir where images are copied to
   * @param showButtons print the buttons a finished job offers (as {@code /press} commands)
   */
  JobPrinter(Terminal status, Consumer<String> paths, Path imagesDir, boolean showButtons) {
    this.showButtons = showButtons;
    this.status = Objects.requireNonNull(status, "status == null");
    this.paths = Objects.requireNonNull(paths, "paths == null");
    this.imagesDir = Objects.requireNonNull(imagesDir, "imagesDir == null");
  }

  /** A fresh view for one command that may start a job. */
  View newView() {
    return new View();
  }

  /** Call after the core said a job started on {@code view}: it now counts as pending. */
  synchronized void started(View view) {
    if (!view.done) pending.add(view);
  }

  synchronized int pendingCount() {
    return pending.size();
  }

  /** Waits until no job is pending or the timeout passes; true when none is left. */
  synchronized boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Terminal events seen so far, in order. */
  synchronized List<JobEvent> finished() {
    return List.copyOf(finished);
  }

  private synchronized void done(View view, JobEvent terminal) {
    view.done = true;
    pending.remove(view);
    finished.add(terminal);
    notifyAll();
  }

  /** One job's view. */
  final class View implements JobView {
    private boolean done;

    @Override
    public void onUpdate(JobUpdate update) {
      JobEvent event = update.event();
      String text = update.text();
      String prefix = event.jobId() > 0 ? "#" + event.jobId() + " " : "";
      if (!event.terminal()) {
        status.status(prefix + text);
        return;
      }
      status.println(prefix + text);
      if (event instanceof JobEvent.Completed c) {
        List<ImageFile> images = update.images();
        for (int i = 0; i < images.size(); i++) {
          paths.accept(save(event.jobId(), i + 1, images.get(i), c.images().get(i)).toString());
        }
      }
      if (showButtons) {
        String buttons =
            update.buttons().stream()
                .map(b -> "[" + b.label() + ": /press " + b.id() + "]")
                .collect(Collectors.joining("  "));
        if (!buttons.isEmpty()) status.println("  " + buttons);
      }
      done(this, event);
    }
  }

  private Path save(long jobId, int index, ImageFile image, StoredImage stored) {
    String ext = ImageFile.extension(image.mimeType());
    Path target = imagesDir.resolve("imagine-" + jobId + "-" + index + ext).toAbsolutePath();
    try {
      Files.createDirectories(imagesDir);
      Files.write(target, image.bytes());
    } catch (IOException e) {
      // The core keeps its own copy; point at it rather than lose the result.
      log.warn("Cannot write {}: {}", target, e.toString());
      return stored.file().toAbsolutePath();
    }
    return target;
  }
}
