package dev.imaginebot.gradio.contract;

import static dev.imaginebot.gradio.contract.Contract.asInt;
import static dev.imaginebot.gradio.contract.Contract.completed;
import static dev.imaginebot.gradio.contract.Contract.connect;
import static dev.imaginebot.gradio.contract.Contract.decode;
import static dev.imaginebot.gradio.contract.Contract.namesParameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.Prediction;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The FLUX-like {@code /infer} and Midjourney-like {@code /run} apps on every pinned release. */
class ImageEndpointsContractTest {

  static Arguments flux(String version, String prompt, int seed, int width, int height) {
    if (namesParameters(version)) {
      Map<String, Object> named = new LinkedHashMap<>();
      named.put("prompt", prompt);
      named.put("seed", seed);
      named.put("randomize_seed", false);
      named.put("width", width);
      named.put("height", height);
      return Arguments.named(named);
    }
    return Arguments.positional(prompt, seed, false, width, height, 4);
  }

  static Arguments mj(String version, String prompt, int seed) {
    if (namesParameters(version)) {
      return Arguments.named(Map.of("prompt", prompt, "seed", seed, "randomize_seed", false));
    }
    return Arguments.positional(prompt, "", false, seed, 1024, 1024, 6, false);
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void apiListsInferWithItsParameters(String version) {
    try (GradioClient client = connect(version, "flux")) {
      assertThat(client.app().version()).isEqualTo(version);
      ApiInfo api = client.api();
      Endpoint infer = api.endpoint("/infer").orElseThrow();
      assertThat(infer.parameters()).hasSize(6);
      assertThat(infer.parameters())
          .extracting(Parameter::component)
          .map(c -> c.toLowerCase(java.util.Locale.ROOT))
          .containsExactly("textbox", "slider", "checkbox", "slider", "slider", "slider");
      assertThat(infer.parameters()).extracting(Parameter::label).contains("Prompt", "Seed");
      Parameter seed = infer.parameters().get(1);
      assertThat(seed.minimum()).isEqualTo(0.0);
      assertThat(seed.maximum()).isEqualTo(2147483647.0);
      Parameter width = infer.parameters().get(3);
      assertThat(width.minimum()).isEqualTo(256.0);
      assertThat(width.maximum()).isEqualTo(2048.0);
      assertThat(width.step()).isEqualTo(32.0);
      assertThat(infer.returns()).hasSize(2);
      assertThat(infer.returns().get(0).component()).isEqualToIgnoringCase("image");
      if (namesParameters(version)) {
        assertThat(infer.parameters())
            .extracting(Parameter::name)
            .containsExactly(
                "prompt", "seed", "randomize_seed", "width", "height", "num_inference_steps");
        assertThat(infer.parameters().get(0).hasDefault()).isFalse();
        assertThat(asInt(infer.parameters().get(3).defaultValue())).isEqualTo(1024);
        assertThat(infer.parameters().get(2).defaultValue()).isEqualTo(true);
        assertThat(asInt(infer.parameters().get(5).defaultValue())).isEqualTo(4);
      }
      assertThat(api.toString()).contains("/infer");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void inferReturnsOneImageAndTheSeed(String version) throws Exception {
    try (GradioClient client = connect(version, "flux")) {
      Recorder events = new Recorder();
      var job = client.submit("/infer", flux(version, "a red fox", 42, 512, 768), events);
      Prediction prediction = completed(events.terminal());

      assertThat(job.result().get()).isEqualTo(prediction);
      assertThat(prediction.data()).hasSize(2);
      assertThat(asInt(prediction.data().get(1))).isEqualTo(42);
      assertThat(prediction.files()).hasSize(1);
      BufferedImage image = decode(client.download(prediction.files().get(0), Contract.MAX_BYTES));
      assertThat(image.getWidth()).isEqualTo(512 / 16);
      assertThat(image.getHeight()).isEqualTo(768 / 16);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void inferFillsDefaultsForOmittedArguments(String version) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        namesParameters(version), "gradio " + version + " /info has no parameter defaults");
    try (GradioClient client = connect(version, "flux")) {
      Prediction prediction = client.predict("/infer", Map.of("prompt", "just a prompt"));
      assertThat(prediction.files()).hasSize(1);
      BufferedImage image = decode(client.download(prediction.files().get(0), Contract.MAX_BYTES));
      assertThat(image.getWidth()).isEqualTo(1024 / 16);
      assertThat(image.getHeight()).isEqualTo(1024 / 16);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void webpPromptReturnsAWebpFile(String version) throws Exception {
    try (GradioClient client = connect(version, "flux")) {
      Recorder events = new Recorder();
      client.submit("/infer", flux(version, "a webp owl", 1, 256, 256), events);
      Prediction prediction = completed(events.terminal());
      byte[] bytes = client.download(prediction.files().get(0), Contract.MAX_BYTES);
      assertThat(new String(Arrays.copyOfRange(bytes, 8, 12), StandardCharsets.US_ASCII))
          .isEqualTo("WEBP");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void hugeImageDownloadsUnderTheCapAndIsRejectedOverIt(String version) throws Exception {
    try (GradioClient client = connect(version, "flux")) {
      Recorder events = new Recorder();
      client.submit("/infer", flux(version, "a huge whale", 3, 1024, 1024), events);
      FileRef file = completed(events.terminal()).files().get(0);

      assertThatThrownBy(() -> client.download(file, 1024 * 1024))
          .isInstanceOfSatisfying(
              GradioException.class,
              e -> assertThat(e.failure().code()).isEqualTo(FailureCode.FILE_REJECTED));
      byte[] bytes = client.download(file, Contract.MAX_BYTES);
      assertThat(bytes.length).isGreaterThan(10 * 1024 * 1024);
      BufferedImage image = decode(bytes);
      assertThat(image.getWidth()).isEqualTo(2048);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void runReturnsAGalleryOfTwoImages(String version) throws Exception {
    try (GradioClient client = connect(version, "mj")) {
      Endpoint run = client.api().endpoint("/run").orElseThrow();
      assertThat(run.parameters()).hasSize(8);
      assertThat(run.returns().get(0).component()).isEqualToIgnoringCase("gallery");
      if (namesParameters(version)) {
        assertThat(run.parameters())
            .extracting(Parameter::name)
            .doesNotContain("num_inference_steps");
      }

      Recorder events = new Recorder();
      client.submit("/run", mj(version, "two cats", 7), events);
      Prediction prediction = completed(events.terminal());

      assertThat(asInt(prediction.data().get(1))).isEqualTo(7);
      assertThat(prediction.files()).hasSize(2);
      byte[] first = client.download(prediction.files().get(0), Contract.MAX_BYTES);
      byte[] second = client.download(prediction.files().get(1), Contract.MAX_BYTES);
      assertThat(decode(first).getWidth()).isEqualTo(64);
      assertThat(decode(second).getHeight()).isEqualTo(64);
      assertThat(first).isNotEqualTo(second);
    }
  }
}
