package dev.imaginebot.gradio.contract;

import static dev.imaginebot.gradio.contract.Contract.completed;
import static dev.imaginebot.gradio.contract.Contract.connect;
import static dev.imaginebot.gradio.contract.Contract.namesParameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.Job;
import dev.imaginebot.gradio.Prediction;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Failures, login, State inputs, private endpoints and argument mapping on every release. */
class CallsContractTest {

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void appErrorFailsWithTheAppsMessage(String version) throws Exception {
    try (GradioClient client = connect(version, "error")) {
      Recorder events = new Recorder();
      Job job = client.submit("/fail", Arguments.positional("a forbidden thing"), events);
      Event terminal = events.terminal();

      assertThat(terminal).isInstanceOf(Event.Failed.class);
      Failure failure = ((Event.Failed) terminal).failure();
      assertThat(failure.code()).isEqualTo(FailureCode.APP_ERROR);
      assertThat(failure.message()).contains("The prompt was rejected: a forbidden thing");
      assertThat(failureOf(job)).isEqualTo(failure);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void loginProtectedAppNeedsTheLogin(String version) throws Exception {
    assertThatThrownBy(() -> connect(version, "auth"))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> assertThat(e.failure().code()).isEqualTo(FailureCode.AUTH_REQUIRED));
    assertThatThrownBy(
            () -> connect(version, "auth", GradioOptions.builder().login("user", "wrong").build()))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> assertThat(e.failure().code()).isEqualTo(FailureCode.AUTH_DENIED));

    try (GradioClient client =
        connect(version, "auth", GradioOptions.builder().login("user", "pass").build())) {
      Recorder events = new Recorder();
      client.submit("/greet", Arguments.positional("Ann"), events);
      assertThat(completed(events.terminal()).data()).containsExactly("Hello Ann");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void stateInputIsFilledByTheClient(String version) throws Exception {
    try (GradioClient client = connect(version, "state")) {
      assertThat(client.api().endpoint("/remember").orElseThrow().parameters()).hasSize(1);
      Recorder events = new Recorder();
      client.submit("/remember", Arguments.positional("hello"), events);
      Prediction prediction = completed(events.terminal());
      assertThat(prediction.data().get(0)).isEqualTo("hello (1 so far)");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void privateEndpointIsNotCallableByName(String version) throws Exception {
    try (GradioClient client = connect(version, "unnamed")) {
      assertThat(client.api().endpoint("/visible")).isPresent();
      assertThat(client.api().endpoint("/hidden")).isEmpty();

      Recorder events = new Recorder();
      client.submit("/visible", Arguments.positional("x"), events);
      assertThat(completed(events.terminal()).data()).containsExactly("visible x");

      Job hidden = client.submit("/hidden", Arguments.positional("x"), new Recorder());
      assertThat(failureOf(hidden).code()).isEqualTo(FailureCode.ENDPOINT_NOT_FOUND);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void unknownEndpointFailsBeforeAnyRequestListingTheValidOnes(String version) throws Exception {
    try (GradioClient client = connect(version, "flux")) {
      client.api();
      long before = client.requestCount();
      Recorder events = new Recorder();
      Job job = client.submit("/generate", Arguments.positional("a cat"), events);

      Failure failure = failureOf(job);
      assertThat(failure.code()).isEqualTo(FailureCode.ENDPOINT_NOT_FOUND);
      assertThat(failure.message()).contains("/infer");
      assertThat(client.requestCount()).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void strictModeRejectsAnUnknownArgumentBeforeAnyRequest(String version) throws Exception {
    assumeTrue(namesParameters(version), "gradio " + version + " /info has no parameter names");
    GradioOptions strict = GradioOptions.builder().strictArguments(true).build();
    try (GradioClient client = connect(version, "mj", strict)) {
      client.api();
      long before = client.requestCount();
      Job job =
          client.submit(
              "/run", Map.of("prompt", "a cat", "num_inference_steps", 4), new Recorder());

      Failure failure = failureOf(job);
      assertThat(failure.message()).contains("num_inference_steps").contains("negative_prompt");
      assertThat(client.requestCount()).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
  void lenientModeDropsAnUnknownArgumentAndReportsIt(String version) throws Exception {
    assumeTrue(namesParameters(version), "gradio " + version + " /info has no parameter names");
    try (GradioClient client = connect(version, "mj")) {
      Recorder events = new Recorder();
      Job job =
          client.submit(
              "/run",
              Map.of("prompt", "a cat", "num_inference_steps", 4, "randomize_seed", false),
              events);
      Prediction prediction = completed(events.terminal());

      assertThat(job.droppedArguments()).containsExactly("num_inference_steps");
      assertThat(prediction.files()).hasSize(2);
    }
  }

  static Failure failureOf(Job job) throws InterruptedException {
    try {
      job.result().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(GradioException.class);
      return ((GradioException) e.getCause()).failure();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("job did not finish", e);
    }
    throw new AssertionError("job succeeded but should have failed");
  }
}
