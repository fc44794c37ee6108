package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class SettingsModelAuditTest {
  @Parameter DbVendor vendor;

  /** The database of this test (null: H2 in {@code dir}); reopened by a restart. */
  String jdbcUrl;

  @TempDir Path dir;
  TestClock clock = new TestClock(Instant.parse("2026-02-03T04:05:06Z"));
  Database db;

  @BeforeEach
  void open() {
    jdbcUrl = vendor.freshUrl();
    db = Database.open(jdbcUrl, dir, clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void settingsAreKeptPerScope() {
    SettingsStore settings = new SettingsStore(db);
    settings.put("global", "model", "flux");
    settings.put("chat:discord:900", "model", "mj");
    settings.put("user:discord:100", "model", "sdxl");
    settings.put("user:discord:100", "language", "zh-CN");

    assertThat(settings.get("global", "model")).contains("flux");
    assertThat(settings.get("chat:discord:900", "model")).contains("mj");
    assertThat(settings.get("user:discord:100", "model")).contains("sdxl");
    assertThat(settings.get("user:discord:200", "model")).isEmpty();

    settings.put("user:discord:100", "model", "flux");
    assertThat(settings.get("user:discord:100", "model")).contains("flux");
    assertThat(settings.get("user:discord:100", "language")).contains("zh-CN");

    settings.remove("user:discord:100", "model");
    settings.remove("user:discord:100", "never-set");
    assertThat(settings.get("user:discord:100", "model")).isEmpty();
    assertThat(settings.get("global", "model")).contains("flux");

    assertThatThrownBy(() -> settings.put("global", "x", "v".repeat(5000)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settingsSurviveAReopen() {
    new SettingsStore(db).put("global", "model", "mj");
    db.close();
    db = Database.open(jdbcUrl, dir, clock);
    assertThat(new SettingsStore(db).get("global", "model")).contains("mj");
  }

  @Test
  void modelsRoundTripThroughJson() {
    ModelStore models = new ModelStore(db);
    ModelConfig flux =
        new ModelConfig(
            "flux",
            "FLUX.1 [schnell]",
            List.of(
                new BackendConfig(
                    "black-forest-labs/FLUX.1-schnell",
                    "/infer",
                    Map.of(
                        "num_inference_steps",
                        4,
                        "guidance",
                        0.5,
                        "randomize_seed",
                        true,
                        "scheduler",
                        "euler",
                        "big",
                        12_345_678_901L,
                        "sizes",
                        List.of(512, 768)),
                    Map.of("steps", "num_inference_steps"),
                    3),
                BackendConfig.discover("https://example.invalid/spaces/flux")));
    ModelConfig mj =
        new ModelConfig("mj", "Midjourney-like", List.of(BackendConfig.discover("a/mj")));
    models.put(flux);
    clock.advance(Duration.ofSeconds(1));
    models.put(mj);

    assertThat(models.all()).containsExactly(flux, mj);

    ModelConfig renamed =
        new ModelConfig("flux", "FLUX (dev)", List.of(BackendConfig.discover("b/c")));
    clock.advance(Duration.ofSeconds(1));
    models.put(renamed);
    assertThat(models.all()).containsExactly(renamed, mj);

    assertThat(models.remove("flux")).isTrue();
    assertThat(models.remove("flux")).isFalse();
    assertThat(models.all()).containsExactly(mj);
  }

  @Test
  void storedJsonHasAStableShape() {
    String json = ModelStore.toJson(List.of(BackendConfig.discover("a/b")));
    assertThat(json)
        .isEqualTo(
            "[{\"space\":\"a/b\",\"endpoint\":null,\"fixed\":{},\"renames\":{},\"concurrency\":2}]");
    // Fields added by a later version are ignored, missing ones defaulted.
    assertThat(ModelStore.fromJson("x", "[{\"space\":\"a/b\",\"future\":1}]"))
        .containsExactly(new BackendConfig("a/b", null, Map.of(), Map.of(), 1));
  }

  @Test
  void auditIsNewestFirstAndLimited() {
    AuditLog audit = new AuditLog(db);
    audit.record("discord:1", "setdefault", "global model=flux");
    clock.advance(Duration.ofSeconds(1));
    audit.record("telegram:2", "addmodel", "mj -> a/mj");
    clock.advance(Duration.ofSeconds(1));
    audit.record("discord:1", "removemodel", null);

    List<AuditEntry> recent = audit.recent(10);
    assertThat(recent)
        .extracting(AuditEntry::action)
        .containsExactly("removemodel", "addmodel", "setdefault");
    assertThat(recent.get(1).actorKey()).isEqualTo("telegram:2");
    assertThat(recent.get(1).detail()).isEqualTo("mj -> a/mj");
    assertThat(recent.get(1).at()).isEqualTo(Instant.parse("2026-02-03T04:05:07Z"));
    assertThat(recent.get(0).detail()).isNull();
    assertThat(recent.get(0).id()).isGreaterThan(recent.get(1).id());
    assertThat(audit.recent(2))
        .extracting(AuditEntry::action)
        .containsExactly("removemodel", "addmodel");
    assertThat(audit.recent(0)).isEmpty();
  }
}
