package dev.imaginebot.gradio.contract;

import static dev.imaginebot.gradio.contract.Contract.completed;
import static dev.imaginebot.gradio.contract.Contract.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.Prediction;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Local files for an {@code gr.Image} input on every release ({@code /echo} app). */
class UploadContractTest {

  @TempDir Path dir;

  private Path png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 7 + y * 13) << 8 | x * 3);
      }
    }
    Path file = dir.resolve("in-" + width + "x" + height + ".png");
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void uploadedFileReachesTheApp(String version) throws Exception {
    Path input = png(40, 24);
    try (GradioClient client = connect(version, "echo")) {
      FileRef uploaded = client.upload(input);
      Recorder events = new Recorder();
      client.submit("/describe", Arguments.positional(uploaded), events);
      Prediction prediction = completed(events.terminal());

      assertThat(prediction.data().get(0)).isEqualTo("40x24");
      BufferedImage back =
          Contract.decode(client.download(prediction.files().get(0), Contract.MAX_BYTES));
      assertThat(back.getWidth()).isEqualTo(40);
      assertThat(back.getRGB(5, 3)).isEqualTo(ImageIO.read(input.toFile()).getRGB(5, 3));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void pathArgumentIsUploadedAsNeeded(String version) throws Exception {
    Path input = png(8, 56);
    assertThat(Files.size(input)).isPositive();
    try (GradioClient client = connect(version, "echo")) {
      Recorder events = new Recorder();
      client.submit("/describe", Arguments.positional(input), events);
      assertThat(completed(events.terminal()).data().get(0)).isEqualTo("8x56");
    }
  }
}
