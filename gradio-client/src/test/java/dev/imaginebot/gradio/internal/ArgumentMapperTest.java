package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentMapperTest {
  private final AppModel model = FakeSpace.model("http://app");
  private final EndpointSpec infer = model.byName("/infer");

  @Test
  void namedArgumentsGetDefaultsAndAStateSlot() {
    ArgumentMapper.Mapped m =
        ArgumentMapper.map(infer, Arguments.named(Map.of("prompt", "cat")), true);
    assertThat(m.data()).isEqualTo(Arrays.asList("cat", 0, null));
    assertThat(m.dropped()).isEmpty();
  }

  @Test
  void positionalComeFirst() {
    ArgumentMapper.Mapped m = ArgumentMapper.map(infer, Arguments.positional("dog", 5), true);
    assertThat(m.data()).isEqualTo(Arrays.asList("dog", 5, null));
  }

  @Test
  void missingRequiredArgumentFails() {
    assertThatThrownBy(() -> ArgumentMapper.map(infer, Arguments.named(Map.of("seed", 1)), false))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              assertThat(e.failure().code()).isEqualTo(FailureCode.INPUT_REJECTED);
              assertThat(e.failure().message())
                  .isEqualTo("No value provided for required argument: prompt");
            });
  }

  @Test
  void strictModeRejectsUnknownNamesListingValidOnes() {
    Map<String, Object> named = new LinkedHashMap<>();
    named.put("prompt", "cat");
    named.put("num_inference_steps", 4);
    assertThatThrownBy(() -> ArgumentMapper.map(infer, Arguments.named(named), true))
        .isInstanceOfSatisfying(
            GradioException.class,
            e ->
                assertThat(e.failure().message())
                    .contains("num_inference_steps")
                    .contains("Valid names are: prompt, seed"));
  }

  @Test
  void lenientModeDropsUnknownNames() {
    Map<String, Object> named = new LinkedHashMap<>();
    named.put("prompt", "cat");
    named.put("num_inference_steps", 4);
    ArgumentMapper.Mapped m = ArgumentMapper.map(infer, Arguments.named(named), false);
    assertThat(m.dropped()).containsExactly("num_inference_steps");
    assertThat(m.data()).isEqualTo(Arrays.asList("cat", 0, null));
  }

  @Test
  void labelsWorkAsNamesForOldApps() {
    ArgumentMapper.Mapped m =
        ArgumentMapper.map(infer, Arguments.named(Map.of("Prompt", "cat", "Seed", 3)), true);
    assertThat(m.data()).isEqualTo(Arrays.asList("cat", 3, null));
  }
}
