package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.testing.GradioTestServer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar against a real local Gradio app: inspect, generate and the console, as a user runs them.
 */
class GradioIT {
  private static final Duration JOB = Duration.ofSeconds(90);

  private static String flux;
  private static String mj;

  @TempDir Path dir;

  @BeforeAll
  static void gradio() {
    GradioTestServer server = GradioTestServer.shared(GradioTestServer.latest());
    flux = server.url("flux");
    mj = server.url("mj");
  }

  private Path config() throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "default-model: local\n"
            + "models:\n"
            + "  - alias: local\n"
            + "    name: Local FLUX-like app\n"
            + "    space: "
            + flux
            + "\n"
            + "  - alias: localmj\n"
            + "    space: "
            + mj
            + "\n"
            + "timeouts:\n"
            + "  job: 60s\n"
            + "  wake: 10s\n");
    return config;
  }

  @Test
  void inspectPrintsEndpointsParametersAndMapping() throws Exception {
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "inspect", flux)) {
      assertThat(jar.exitCode(JOB)).as(jar.transcript()).isZero();
      String out = String.join("\n", jar.out());
      assertThat(out)
          .contains("api_name=\"/infer\"")
          .contains("num_inference_steps")
          .contains("How the bot would call it:")
          .contains("endpoint /infer")
          .contains("<- prompt (by name)")
          .contains("sends: prompt=\"a red fox in the snow\"");
    }
  }

  @Test
  void inspectSaysAGenericNameWasMappedByItsLabel() throws Exception {
    String lambda = GradioTestServer.shared(GradioTestServer.latest()).url("c-lambda-args");
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "inspect", lambda)) {
      assertThat(jar.exitCode(JOB)).as(jar.transcript()).isZero();
      assertThat(String.join("\n", jar.out()))
          .contains("param_2 (\"Seed (use -1 for random)\") <- seed (by label)")
          .containsPattern(
              "sends: param_0=\"a red fox in the snow\", param_1=\"blurry\", param_2=42");
    }
  }

  @Test
  void inspectOfAnUnreachableSpaceFailsWithOneLine() throws Exception {
    try (JarProcess jar =
        JarProcess.start(dir, Map.of(), "inspect", "http://127.0.0.1:9/nothing")) {
      assertThat(jar.exitCode(JOB)).isEqualTo(1);
      assertThat(jar.err()).last().asString().startsWith("imagine-bot: ").contains("127.0.0.1:9");
    }
  }

  @Test
  void generateWritesAValidImageAndShowsProgress() throws Exception {
    Path out = dir.resolve("out");
    try (JarProcess jar =
        JarProcess.start(
            dir,
            Map.of(),
            "generate",
            "a red fox in the snow",
            "--space",
            flux,
            "--out",
            out.toString())) {
      assertThat(jar.exitCode(JOB)).as(jar.transcript()).isZero();
      List<String> paths = jar.out();
      assertThat(paths).hasSize(1);
      Path image = Path.of(paths.get(0));
      assertThat(image).startsWith(out.toAbsolutePath()).isRegularFile();
      BufferedImage decoded = ImageIO.read(image.toFile());
      assertThat(decoded).isNotNull();
      assertThat(decoded.getWidth()).isPositive();
      // Progress is coalesced (at most one update per interval), so which steps show varies;
      // the job's own lines before the final one are the progress a user watches.
      List<String> jobLines = jar.err().stream().filter(l -> l.startsWith("#1 ")).toList();
      assertThat(jobLines).hasSizeGreaterThanOrEqualTo(2);
      assertThat(jobLines.get(0)).doesNotContain("Done");
      assertThat(jobLines.get(jobLines.size() - 1)).contains("Done").contains("a red fox");
    }
  }

  @Test
  void generateWithAConfiguredModel() throws Exception {
    Path config = config();
    try (JarProcess jar =
        JarProcess.start(
            dir, Map.of(), "generate", "a lighthouse", "-c", config.toString(), "-m", "localmj")) {
      assertThat(jar.exitCode(JOB)).as(jar.transcript()).isZero();
      // The Midjourney-like Space returns a gallery of two; the bot delivers both.
      assertThat(jar.out()).hasSize(2).allSatisfy(p -> assertThat(Path.of(p)).isRegularFile());
    }
  }

  @Test
  void generateWithAnUnknownModelFailsWithOneLine() throws Exception {
    Path config = config();
    try (JarProcess jar =
        JarProcess.start(
            dir, Map.of(), "generate", "a cat", "-c", config.toString(), "--model", "nosuch")) {
      assertThat(jar.exitCode(JOB)).isEqualTo(1);
      assertThat(jar.out()).isEmpty();
      assertThat(jar.err())
          .singleElement()
          .asString()
          .contains("unknown model 'nosuch'")
          .contains("local");
    }
  }

  @Test
  void generateAgainstAFailingAppReportsTheError() throws Exception {
    String error = GradioTestServer.shared(GradioTestServer.latest()).url("error");
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "generate", "boom", "--space", error)) {
      assertThat(jar.exitCode(JOB)).as(jar.transcript()).isEqualTo(1);
      assertThat(jar.out()).isEmpty();
      assertThat(jar.err()).last().asString().startsWith("imagine-bot: ");
    }
  }

  @Test
  void consoleTakesAPromptSavesTheImageAndListsItInHistory() throws Exception {
    Path config = config();
    Path images = dir.resolve("pictures");
    try (JarProcess jar =
        JarProcess.start(dir, Map.of(), "console", "-c", config.toString(), "--out", "pictures")) {
      jar.awaitOut(l -> l.contains("imagine-bot console"), JOB);
      jar.type("/imagine a red fox --ar 16:9");
      String path = jar.awaitOut(l -> l.endsWith(".png") || l.endsWith(".jpg"), JOB);
      assertThat(Path.of(path)).startsWith(images.toAbsolutePath()).isRegularFile();
      assertThat(ImageIO.read(Path.of(path).toFile())).isNotNull();
      jar.type("/history");
      jar.awaitOut(l -> l.contains("a red fox"), JOB);
      jar.type("/quit");
      assertThat(jar.exitCode(JOB)).isZero();
    }
  }
}
