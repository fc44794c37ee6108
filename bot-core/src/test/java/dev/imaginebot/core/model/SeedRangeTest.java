package dev.imaginebot.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.ReturnValue;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Seeds stay in a range a Space can take, whatever maximum its slider claims. */
class SeedRangeTest {
  private static final long LARGEST = (1L << 53) - 1;

  private static SpaceMapping mappingWithSeedMax(Double max) {
    ApiInfo api =
        new ApiInfo(
            List.of(
                new Endpoint(
                    "/infer",
                    0,
                    List.of(
                        new Parameter(
                            "prompt", "Prompt", "string", null, "Textbox", false, null, null, null,
                            null, List.of()),
                        new Parameter(
                            "seed", "Seed", "number", null, "Slider", true, 0, 0.0, max, 1.0,
                            List.of())),
                    List.of(new ReturnValue("Result", "Image", "filepath")))));
    Onboarding.Result r = Onboarding.map(api, BackendConfig.discover("a/b"));
    assertThat(r.ok()).as(String.valueOf(r.problem())).isTrue();
    return r.mapping();
  }

  @Test
  void aHugeSliderMaximumIsCappedSoARandomSeedCanBeDrawn() {
    SpaceMapping m = mappingWithSeedMax(1e30);
    assertThat(m.maxSeed()).isEqualTo(LARGEST);
    long seed = ThreadLocalRandom.current().nextLong(0, m.maxSeed() + 1);
    assertThat(seed).isBetween(0L, LARGEST);
  }

  @Test
  void aNegativeOrMissingMaximumGivesASafeRange() {
    assertThat(mappingWithSeedMax(-5.0).maxSeed()).isZero();
    assertThat(mappingWithSeedMax(Double.NaN).maxSeed()).isZero();
    assertThat(mappingWithSeedMax(null).maxSeed()).isEqualTo(Integer.MAX_VALUE);
    assertThat(mappingWithSeedMax(4294967295.0).maxSeed()).isEqualTo(4294967295L);
  }
}
