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
    assertThat(r.problem().kind()).isEqualTo(Onboarding.Problem.Kind.NO_IMAGE_ENDPOINT);
    assertThat(r.problem().text()).contains("no endpoint").contains("/count");
    Onboarding.Result gone =
        Onboarding.map(
            FakeSpaceGateway.fluxApi(), new BackendConfig("x", "/generate", Map.of(), Map.of(), 1));
    assertThat(gone.problem().kind()).isEqualTo(Onboarding.Problem.Kind.ENDPOINT_GONE);
    assertThat(gone.problem().text()).contains("/generate is gone").contains("/infer");
  }

  private static Parameter slider(
      String name, String label, Object def, double min, double max, double step) {
    return p(name, label, "Slider", def, min, max, step, List.of());
  }

  private static Parameter text(String name, String label) {
    return p(name, label, "Textbox", "", null, null, null, List.of());
  }

  private static SpaceMapping mapped(Endpoint endpoint) {
    Onboarding.Result r =
        Onboarding.map(new ApiInfo(List.of(endpoint)), BackendConfig.discover("x"));
    assertThat(r.ok()).as(String.valueOf(r.problem())).isTrue();
    return r.mapping();
  }

  private static GenerationRequest sample() {
    return SpaceMapping.SAMPLE;
  }

  @Test
  void aspectUnderSliderLimitsKeepsTheRatio() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/infer",
                List.of(
                    text("prompt", "Prompt"),
                    slider("width", "Width", 1024, 256, 1024, 32),
                    slider("height", "Height", 1024, 256, 1024, 32)),
                "Image"));
    assertThat(m.arguments(sample(), null)).containsExactly("a red fox in the snow", 1024L, 576L);
  }

  @Test
  void aspectOnACoarseGridIsTheClosestRatioTheGridAllows() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/generate",
                List.of(
                    text("prompt", "Prompt"),
                    slider("width", "Width", 512, 256, 1536, 256),
                    slider("height", "Height", 512, 256, 1536, 256)),
                "Image"));
    // 5:3 is the nearest to 16:9 on a 256 grid up to 1536; 3:2 (768x512) and 2:1 are farther.
    assertThat(m.arguments(sample(), null)).containsExactly("a red fox in the snow", 1280L, 768L);
  }

  @Test
  void aLabelBeatsAGenericName() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/lambda",
                List.of(
                    text("param_0", "Prompt"),
                    text("param_1", "Negative Prompt"),
                    p(
                        "param_2",
                        "Seed (use -1 for random)",
                        "Number",
                        -1,
                        null,
                        null,
                        null,
                        List.of()),
                    slider("param_3", "Sampling Steps", 20, 1, 30, 1)),
                "Image"));
    assertThat(m.bindings())
        .extracting(SpaceMapping.Binding::evidence)
        .containsOnly(SpaceMapping.Evidence.LABEL);
    assertThat(m.arguments(sample(), 42L))
        .containsExactly("a red fox in the snow", "blurry", 42.0, 8L);
  }

  @Test
  void stepsAndSizesAreParsedFromChoiceStrings() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/generate_image",
                List.of(
                    text("prompt", "Enter your prompt"),
                    p(
                        "ckpt",
                        "Select inference steps",
                        "Dropdown",
                        "4-Step",
                        null,
                        null,
                        null,
                        List.of("1-Step", "2-Step", "4-Step", "8-Step")),
                    p(
                        "resolution",
                        "Resolution",
                        "Dropdown",
                        "1024 × 1024 (Square)",
                        null,
                        null,
                        null,
                        List.of(
                            "1024 × 1024 (Square)",
                            "1152 × 896 (Landscape, 9:7)",
                            "1360 × 768 (Landscape, 16:9)"))),
                "Image"));
    assertThat(m.arguments(sample(), null))
        .containsExactly("a red fox in the snow", "8-Step", "1360 × 768 (Landscape, 16:9)");
    assertThat(m.describe()).contains("numbers parsed from the choices");
  }

  @Test
  void aDefaultOutsideItsOwnRangeIsSentClamped() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/infer",
                List.of(
                    text("prompt", "Prompt"),
                    slider("guidance_scale", "Guidance", 0.0, 1, 15, 0.1)),
                "Image"));
    m =
        new SpaceMapping(
            m.endpoint(),
            List.of(
                m.bindings().get(0),
                new SpaceMapping.Binding(m.bindings().get(1).parameter(), null, null)),
            Map.of(),
            1);
    assertThat(m.arguments(GenerationRequest.of("fox"), null)).containsExactly("fox", 1.0);
    assertThat(m.describe()).contains("default clamped into its range");
  }

  @Test
  void unnamedAndUnlistedEndpointsAreChosenWhenTheyAreTheImageEndpoint() {
    Endpoint unnamed =
        new Endpoint(
            null,
            3,
            List.of(text("param_0", "Prompt")),
            List.of(new ReturnValue("Image", "Image", null)));
    Onboarding.Result r =
        Onboarding.map(new ApiInfo(List.of(unnamed)), BackendConfig.discover("x"));
    assertThat(r.mapping().endpoint()).isEqualTo("fn_index=3");
    assertThat(SpaceMapping.fnIndex(r.mapping().endpoint())).hasValue(3);
    Onboarding.Result pinned =
        Onboarding.map(
            new ApiInfo(List.of(unnamed)),
            new BackendConfig("x", "/fn_index=3", Map.of(), Map.of(), 1));
    assertThat(pinned.mapping().endpoint()).isEqualTo("fn_index=3");
    Endpoint hidden = endpoint("/make", List.of(text("prompt", "Prompt")), "Image");
    Onboarding.Result h =
        Onboarding.map(
            new ApiInfo(List.<Endpoint>of(), List.of(hidden)), BackendConfig.discover("x"));
    assertThat(h.mapping().endpoint()).isEqualTo("/make");
  }

  @Test
  void aSeedInATextboxIsSentAsTextAndRandomizeIsTurnedOff() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/txt2img",
                List.of(
                    text("prompt", "Prompt"),
                    text("seed", "Seed"),
                    p("random_seed", "Random seed", "Checkbox", true, null, null, null, List.of())),
                "Image"));
    assertThat(m.arguments(sample(), 42L)).containsExactly("a red fox in the snow", "42", false);
    assertThat(m.arguments(GenerationRequest.of("fox"), null)).containsExactly("fox", "", true);
  }

  @Test
  void seedsStayInTheSpaceRangeWithoutOverflow() {
    SpaceMapping m =
        mapped(
            endpoint(
                "/infer",
                List.of(text("prompt", "Prompt"), slider("seed", "Seed", 0, 0, 2147483647, 1)),
                "Image"));
    assertThat(m.seed(42, 0)).isEqualTo(42);
    assertThat(m.seed(42, 3)).isEqualTo(45);
    assertThat(m.seed(Long.MAX_VALUE, 0)).isEqualTo(2147483647L);
    // Past the maximum, variations wrap instead of all landing on the maximum.
    assertThat(m.seed(Long.MAX_VALUE, 1)).isEqualTo(0);
    assertThat(m.seed(-5, 0)).isEqualTo(0);
    SpaceMapping huge =
        mapped(
            endpoint(
                "/infer",
                List.of(text("prompt", "Prompt"), slider("seed", "Seed", 0, -1, 1e300, 1)),
                "Image"));
    assertThat(huge.maxSeed() + 1).isPositive();
    assertThat(huge.minSeed()).isZero();
    assertThat(huge.seed(huge.maxSeed(), Integer.MAX_VALUE)).isBetween(0L, huge.maxSeed());
  }
}
