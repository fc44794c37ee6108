package dev.imaginebot.core.render;

import dev.imaginebot.core.UserText;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.job.ImageFile;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.PlatformLimits;
import dev.imaginebot.core.job.StoredImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a job's events into what its view shows ({@link JobUpdate}): the text in the user's
 * language, the buttons, and a result's images fitted to the view's {@link PlatformLimits}, so that
 * front-ends only put updates on their platform. Thread-safe; fitting images runs on the calling
 * (engine) thread.
 */
public final class JobRenderer {
  private static final Logger log = LoggerFactory.getLogger(JobRenderer.class);

  /** Re-encodes an image into at most {@code maxBytes} bytes (see {@code ImageStore#fit}). */
  @FunctionalInterface
  public interface Fitter {
    /**
     * @throws IllegalArgumentException when not even a small version fits
     */
    byte[] fit(StoredImage image, long maxBytes);
  }

  private final BiFunction<JobEvent, String, String> describe;
  private final BiFunction<JobEvent, String, List<Button>> buttons;
  private final Fitter fitter;

  /**
   * @param describe an event's text in a language (mentions defused)
   * @param buttons the buttons to show after an event, labelled in a language
   * @param fitter shrinks an image that is too large for the platform
   */
  public JobRenderer(
      BiFunction<JobEvent, String, String> describe,
      BiFunction<JobEvent, String, List<Button>> buttons,
      Fitter fitter) {
    this.describe = Objects.requireNonNull(describe, "describe == null");
    this.buttons = Objects.requireNonNull(buttons, "buttons == null");
    this.fitter = Objects.requireNonNull(fitter, "fitter == null");
  }

  /** What {@code event} looks like in {@code language}, fitted to {@code limits}. */
  public JobUpdate render(JobEvent event, String language, PlatformLimits limits) {
    Objects.requireNonNull(event, "event == null");
    Objects.requireNonNull(language, "language == null");
    Objects.requireNonNull(limits, "limits == null");
    String full = describe.apply(event, language);
    List<ImageFile> files = List.of();
    String prompt = null;
    String model = null;
    if (event instanceof JobEvent.Completed c) {
      files = images(c, limits);
      prompt = Messages.neutralize(c.prompt());
      model = Messages.neutralize(c.model());
    }
    return new JobUpdate(
        event,
        language,
        UserText.cut(full, limits.textMax()),
        UserText.cut(full, limits.captionMax()),
        buttons.apply(event, language),
        files,
        prompt,
        model);
  }

  /**
   * The engine-side end of {@code view}: renders each event in {@code language} with the view's
   * limits and hands it on, skipping progress that would look the same as what is shown.
   */
  public JobEventListener listener(JobView view, String language) {
    Objects.requireNonNull(view, "view == null");
    Objects.requireNonNull(language, "language == null");
    return new Rendering(view, language);
  }

  /**
   * The result's images, at most {@code filesMax}, each fitted so that all fit in one message: a
   * file the platform would refuse is never sent, not even once.
   */
  private List<ImageFile> images(JobEvent.Completed c, PlatformLimits limits) {
    List<StoredImage> images = c.images();
    int n = Math.min(images.size(), limits.filesMax());
    long perFile = limits.perFile(n);
    List<ImageFile> files = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StoredImage image = images.get(i);
      Long seed = c.seeds().isEmpty() ? (i == 0 ? c.seed() : null) : c.seeds().get(i);
      try {
        files.add(file(image, i + 1, perFile, seed));
      } catch (IllegalArgumentException e) {
        log.warn("Job {}: image {} can't fit in {} bytes; left out", c.jobId(), i + 1, perFile);
      }
    }
    return List.copyOf(files);
  }

  private ImageFile file(StoredImage image, int index, long maxBytes, Long seed) {
    // The fitter hands back the stored bytes when they fit (and reads them wherever they are).
    byte[] bytes = fitter.fit(image, maxBytes);
    boolean original = image.bytes() <= maxBytes && bytes.length == image.bytes();
    // Named by what the bytes are: a PNG re-encoded to fit is a JPEG now.
    String type = ImageFile.sniff(bytes);
    if (type == null) type = image.mimeType();
    int width = image.width();
    int height = image.height();
    if (!original) {
      int[] size = size(bytes);
      width = size[0];
      height = size[1];
    }
    return new ImageFile(
        "image-" + index + ImageFile.extension(type), type, bytes, width, height, seed);
  }

  /** Width and height from an image's header, {0, 0} when it can't be read. */
  private static int[] size(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) return new int[] {0, 0};
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return new int[] {0, 0};
    }
  }

  /** Renders for one view; the engine calls it for one job at a time, in order. */
  private final class Rendering implements JobEventListener {
    private final JobView view;
    private final String language;
    private JobUpdate shown;

    Rendering(JobView view, String language) {
      this.view = view;
      this.language = language;
    }

    @Override
    public void onEvent(JobEvent event) {
      JobUpdate update = render(event, language, view.limits());
      if (!update.terminal() && looksLikeShown(update)) return;
      shown = update;
      view.onUpdate(update);
    }

    @Override
    public CompletionStage<Void> deliver(JobEvent terminal) {
      JobUpdate update = render(terminal, language, view.limits());
      shown = update;
      return view.deliver(update);
    }

    /** Two events can read the same (50.1% and 50.4% both show 50%): no edit for those. */
    private boolean looksLikeShown(JobUpdate update) {
      return shown != null
          && !shown.terminal()
          && shown.text().equals(update.text())
          && shown.buttons().equals(update.buttons());
    }
  }
}
