package dev.imaginebot.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.ReturnValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnboardingTest {
  private static Parameter p(
      String name,
      String label,
      String component,
      Object def,
      Double min,
      Double max,
      Double step,
      List<Object> choices) {
    return new Parameter(name, label, null, null, component, true, def, min, max, step, choices);
  }

  private static Endpoint endpoint(String name, List<Parameter> params, String... returns) {
    return new Endpoint(
        name,
        0,
        params,
        java.util.Arrays.stream(returns).map(r -> new ReturnValue(r, r, null)).toList());
  }

  @Test
  void oldAppsAreMappedByLabelAndTheImageEndpointIsChosen() {
    ApiInfo api =
        new ApiInfo(
            List.of(
                endpoint(
                    "/lambda",
                    List.of(p("param_0", "Text", "Textbox", "", null, null, null, List.of())),
                    "Textbox"),
                endpoint(
                    "/predict",
                    List.of(
                        p("param_0", "Prompt", "Textbox", "", null, null, null, List.of()),
                        p("param_1", "Negative prompt", "Textbox", "", null, null, null, List.of()),
                        p("param_2", "CFG Scale", "Slider", 7.0, 1.0, 15.0, 0.5, List.of()),
                        p("param_3", "Sampling steps", "Slider", 20, 1.0, 40.0, 1.0, List.of()),
                        p(
                            "param_4",
                            "Aspect ratio",
                            "Dropdown",
                            "1:1",
                            null,
                            null,
                            null,
                            List.of("1:1", "16:9 (1344x768)", "9:16 (768x1344)"))),
                    "Gallery")));
    Onboarding.Result r = Onboarding.map(api, BackendConfig.discover("old"));
    assertThat(r.ok()).isTrue();
    SpaceMapping m = r.mapping();
    assertThat(m.endpoint()).isEqualTo("/predict");
    assertThat(m.takes())
        .containsExactlyInAnyOrder(
            Canonical.PROMPT,
            Canonical.NEGATIVE_PROMPT,
            Canonical.GUIDANCE,
            Canonical.STEPS,
            Canonical.ASPECT);
    GenerationRequest req =
        new GenerationRequest("castle", null, "blur", null, "16:9", null, null, 99, 7.3, 1);
    List<Object> args = m.arguments(req, null);
    assertThat(args).containsExactly("castle", "blur", 7.5, 40L, "16:9 (1344x768)");
  }

  @Test
  void aspectBecomesWidthAndHeightKeepingThePixelCount() {
    Onboarding.Result r =
        Onboarding.map(FakeSpaceGateway.fluxApi(), BackendConfig.discover("flux"));
    GenerationRequest req =
        new GenerationRequest("fox", null, null, 42L, "16:9", null, null, null, null, 1);
    List<Object> args = r.mapping().arguments(req, 42L);
    // 1024*1024 pixels at 16:9 is about 1365x768; rounded to the step of 32.
    assertThat(args).containsExactly("fox", 42L, false, 1376L, 768L, 4);
  }

  @Test
  void configRenamesAndFixedValuesWin() {
    ApiInfo api =
        new ApiInfo(
            List.of(
                endpoint(
                    "/go",
                    List.of(
                        p("txt", "Describe it", "Textbox", "", null, null, null, List.of()),
                        p("quality", "Quality", "Slider", 10, 1.0, 50.0, 1.0, List.of()),
                        p(
                            "style",
                            "Style",
                            "Dropdown",
                            "none",
                            null,
                            null,
                            null,
                            List.of("none", "anime"))),
                    "Image")));
    BackendConfig backend =
        new BackendConfig("x", null, Map.of("style", "anime"), Map.of("steps", "quality"), 1);
    SpaceMapping m = Onboarding.map(api, backend).mapping();
    assertThat(m.takes()).containsExactlyInAnyOrder(Canonical.PROMPT, Canonical.STEPS);
    GenerationRequest req =
        new GenerationRequest("x", null, null, null, null, null, null, 12, null, 1);
    assertThat(m.arguments(req, null)).containsExactly("x", 12L, "anime");
    assertThat(m.describe()).contains("= anime (fixed)").contains("quality").contains("<- steps");
  }

  @Test
  void endpointsWithoutAPromptOrImagesAreRejectedWithAReason() {
    ApiInfo api =
        new ApiInfo(
            List.of(
                endpoint(
                    "/count",
                    List.of(p("n", "N", "Slider", 3, 1.0, 9.0, 1.0, List.of())),
                    "Textbox")));
    Onboarding.Result r = Onboarding.map(api, BackendConfig.discover("x"));
    assertThat(r.ok()).isFalse();
    assertThat(r.problem()).contains("no endpoint").contains("/count");
    Onboarding.Result gone =
        Onboarding.map(
            FakeSpaceGateway.fluxApi(), new BackendConfig("x", "/generate", Map.of(), Map.of(), 1));
    assertThat(gone.problem()).contains("/generate is gone").contains("/infer");
  }
}
