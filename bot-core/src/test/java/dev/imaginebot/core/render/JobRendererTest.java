package dev.imaginebot.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.job.ImageFile;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.PlatformLimits;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRendererTest {
  @TempDir Path dir;

  private final Messages messages = new Messages("en");
  private final List<Long> fitLimits = new CopyOnWriteArrayList<>();
  private final JobRenderer renderer =
      new JobRenderer(
          messages::describe,
          (event, language) -> List.of(new Button("cancel:1:sig", language)),
          (image, max) -> {
            // As the image store does: the stored bytes when they fit, else a smaller JPEG.
            if (image.bytes() <= max) return read(image.file());
            fitLimits.add(max);
            return jpeg(4, 3);
          });

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private StoredImage stored(String name, byte[] bytes, int w, int h) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return new StoredImage("sha-" + name, file, "image/png", bytes.length, w, h);
  }

  private static byte[] jpeg(int w, int h) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpg", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void progressAndResultAreInTheGivenLanguage() throws IOException {
    JobUpdate progress =
        renderer.render(new JobEvent.Progress(1, 3, 8, null), "zh-CN", PlatformLimits.NONE);
    assertThat(progress.text()).startsWith("\u751f\u6210\u4e2d").endsWith("3/8");
    assertThat(progress.buttons()).extracting(Button::label).containsExactly("zh-CN");

    StoredImage image = stored("a.png", TestImages.png(1), 8, 8);
    JobEvent.Completed done =
        new JobEvent.Completed(1, "a cat", "flux", 5L, Duration.ofSeconds(3), List.of(image));
    JobUpdate result = renderer.render(done, "zh-CN", PlatformLimits.NONE);
    assertThat(result.text()).startsWith("\u5b8c\u6210").contains("a cat", "5");
    assertThat(result.images())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.bytes()).isEqualTo(TestImages.png(1));
              assertThat(f.name()).isEqualTo("image-1.png");
              assertThat(f.seed()).isEqualTo(5L);
            });
  }

  @Test
  void variationProgressSaysWhichImageRunsInBothLanguages() {
    JobEvent.Progress p = new JobEvent.Progress(1, 3, 8, null, 2, 4);
    assertThat(renderer.render(p, "en", PlatformLimits.NONE).text())
        .startsWith("Image 2 of 4 \u00b7 generating")
        .endsWith("3/8");
    assertThat(renderer.render(p, "zh-CN", PlatformLimits.NONE).text())
        .startsWith("\u7b2c 2 \u5f20\uff0c\u5171 4 \u5f20")
        .endsWith("3/8");
  }

  @Test
  void imagesAreFittedSoTheWholeMessageFitsAndNamedByTheirRealType() throws IOException {
    byte[] big = new byte[5000];
    System.arraycopy(TestImages.png(2), 0, big, 0, 8);
    List<StoredImage> images =
        List.of(
            stored("1.png", big, 8, 8),
            stored("2.png", big, 8, 8),
            stored("3.png", TestImages.png(3), 8, 8));
    JobEvent.Completed done =
        new JobEvent.Completed(1, "x", "flux", 1L, Duration.ZERO, images, List.of(1L, 2L, 3L));
    // 4000 bytes per message, 2 files at most: each file gets 2000.
    PlatformLimits limits = new PlatformLimits(2000, 1024, 10_000, 4000, 2);
    JobUpdate update = renderer.render(done, "en", limits);

    assertThat(update.images()).hasSize(2);
    assertThat(fitLimits).containsExactly(2000L, 2000L);
    for (ImageFile f : update.images()) {
      assertThat(f.mimeType()).isEqualTo("image/jpeg");
      assertThat(f.name()).endsWith(".jpg");
      assertThat(ImageFile.sniff(f.bytes())).isEqualTo("image/jpeg");
      assertThat(f.width()).isEqualTo(4);
      assertThat(f.height()).isEqualTo(3);
    }
    assertThat(update.images()).extracting(ImageFile::seed).containsExactly(1L, 2L);
  }

  @Test
  void textsAreCutToTheLimitsAndMentionsDefusedOnce() throws IOException {
    String prompt = "@everyone " + "long ".repeat(400);
    StoredImage image = stored("m.png", TestImages.png(4), 8, 8);
    JobEvent.Completed done =
        new JobEvent.Completed(1, prompt, "flux", 1L, Duration.ZERO, List.of(image));
    JobUpdate update = renderer.render(done, "en", new PlatformLimits(100, 50, 10_000, 10_000, 10));
    assertThat(update.text()).hasSizeLessThanOrEqualTo(100);
    assertThat(update.caption()).hasSizeLessThanOrEqualTo(50);
    assertThat(update.text()).contains("@\u200Beveryone").doesNotContain("\u200B\u200B");
    assertThat(update.prompt()).startsWith("@\u200Beveryone ").doesNotContain("\u200B\u200B");
    assertThat(Messages.neutralize(update.prompt())).isEqualTo(update.prompt());
  }

  @Test
  void progressThatReadsTheSameIsNotShownTwice() {
    RecordingView view = new RecordingView();
    var listener = renderer.listener(view, "en");
    listener.onEvent(new JobEvent.Progress(1, null, null, 0.501));
    listener.onEvent(new JobEvent.Progress(1, null, null, 0.502));
    listener.onEvent(new JobEvent.Progress(1, null, null, 0.61));
    assertThat(view.updates()).extracting(JobUpdate::text).hasSize(2);
  }
}
