package dev.imaginebot.gradio.contract;

import static dev.imaginebot.gradio.contract.Contract.asInt;
import static dev.imaginebot.gradio.contract.Contract.completed;
import static dev.imaginebot.gradio.contract.Contract.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.Prediction;
import dev.imaginebot.gradio.testing.GradioTestServer;
import dev.imaginebot.gradio.testing.OfficialGradioClient;
import java.awt.image.BufferedImage;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same calls through Python's official {@code gradio_client} (the one installed with each
 * release: 2.x with 6.x, 1.x with 5.x and 4.44, 0.11 with 4.20, 0.6 with 3.50) and through ours
 * give the same decoded outputs: image count, dimensions, pixels, seed. gradio_client 0.6.1 returns
 * a 3.x gallery as a directory; the script reads it in order.
 */
class OfficialClientCrossCheckTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Object> INFER =
      List.of("a lighthouse at dusk", 1234, false, 512, 384, 4);
  private static final List<Object> RUN = List.of("two foxes", "", false, 99, 768, 1024, 6, false);

  /** Python's results per version: both calls in one Python process, run once. */
  private static final Map<String, JsonNode> THEIRS = new ConcurrentHashMap<>();

  record Image(int width, int height, String rgbSha256) {}

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void inferMatchesTheOfficialClient(String version) throws Exception {
    crossCheck(version, "flux", "/infer", INFER, theirs(version).get(0), 1);
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void runMatchesTheOfficialClient(String version) throws Exception {
    crossCheck(version, "mj", "/run", RUN, theirs(version).get(1), 2);
  }

  private static JsonNode theirs(String version) {
    return THEIRS.computeIfAbsent(
        version,
        v -> {
          try {
            String calls =
                JSON.writeValueAsString(
                    List.of(
                        Map.of("app", "flux", "api", "/infer", "args", INFER),
                        Map.of("app", "mj", "api", "/run", "args", RUN)));
            return JSON.readTree(
                new OfficialGradioClient(GradioTestServer.shared(v)).predictAll(calls));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private void crossCheck(
      String version, String app, String api, List<Object> args, JsonNode theirs, int images)
      throws Exception {
    List<Image> theirImages = new ArrayList<>();
    for (JsonNode image : theirs.get("images")) {
      theirImages.add(
          new Image(
              image.get("width").asInt(),
              image.get("height").asInt(),
              image.get("rgb_sha256").asText()));
    }

    List<Image> ourImages = new ArrayList<>();
    Prediction ours;
    try (GradioClient client = connect(version, app)) {
      Recorder events = new Recorder();
      client.submit(api, Arguments.positional(args.toArray()), events);
      ours = completed(events.terminal());
      for (FileRef file : ours.files()) {
        ourImages.add(describe(Contract.decode(client.download(file, Contract.MAX_BYTES))));
      }
    }

    assertThat(theirImages).hasSize(images);
    assertThat(ourImages).isEqualTo(theirImages);
    assertThat(asInt(ours.data().get(1))).isEqualTo(theirs.get("data").get(1).asInt());
  }

  /** Width, height and the SHA-256 of the RGB bytes row by row, as PIL's tobytes() gives them. */
  private static Image describe(BufferedImage image) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] row = new byte[image.getWidth() * 3];
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        row[x * 3] = (byte) (rgb >> 16);
        row[x * 3 + 1] = (byte) (rgb >> 8);
        row[x * 3 + 2] = (byte) rgb;
      }
      sha.update(row);
    }
    return new Image(image.getWidth(), image.getHeight(), HexFormat.of().formatHex(sha.digest()));
  }
}
