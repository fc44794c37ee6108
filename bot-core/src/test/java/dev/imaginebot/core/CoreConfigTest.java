package dev.imaginebot.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoreConfigTest {
  private final CoreConfig base =
      new CoreConfig(
          Path.of("data"),
          "jdbc:h2:mem:x",
          List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a/b")))),
          "flux",
          Set.of("discord:1"),
          Limits.defaults(),
          Duration.ofSeconds(2),
          "en",
          GradioSettings.defaults());

  @Test
  void eachCopyChangesOnlyItsOwnField() {
    List<ModelConfig> models =
        List.of(new ModelConfig("mj", "MJ", List.of(BackendConfig.discover("c/d"))));
    Limits limits = new Limits(2, 3, 4, 500, 1024);
    GradioSettings gradio =
        new GradioSettings(
            null,
            "http://127.0.0.1:9",
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(6),
            Duration.ofHours(1));
    CoreConfig changed =
        base.withDataDir(Path.of("other"))
            .withJdbcUrl(null)
            .withModels(models)
            .withDefaultModel("mj")
            .withAdmins(Set.of("telegram:2"))
            .withLimits(limits)
            .withProgressInterval(Duration.ZERO)
            .withDefaultLanguage("zh-CN")
            .withGradio(gradio);
    assertThat(changed)
        .isEqualTo(
            new CoreConfig(
                Path.of("other"),
                null,
                models,
                "mj",
                Set.of("telegram:2"),
                limits,
                Duration.ZERO,
                "zh-CN",
                gradio));
    assertThat(base.withLimits(limits))
        .isEqualTo(
            new CoreConfig(
                base.dataDir(),
                base.jdbcUrl(),
                base.models(),
                base.defaultModel(),
                base.admins(),
                limits,
                base.progressInterval(),
                base.defaultLanguage(),
                base.gradio()));
  }
}
