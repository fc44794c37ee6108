package dev.imaginebot.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-Space client cache and the cool-down cap, against a real Gradio server. */
class RealSpaceGatewayTest {
  private final GradioTestServer gradio = GradioTestServer.shared(GradioTestServer.latest());

  private RealSpaceGateway gateway(int maxClients) {
    return new RealSpaceGateway(
        GradioSettings.defaults(), 1 << 20, List.of(gradio.baseUrl()), maxClients);
  }

  @Test
  void theCacheKeepsAtMostTheBoundOfIdleClients() {
    try (RealSpaceGateway spaces = gateway(2)) {
      spaces.api(gradio.url("flux"));
      spaces.api(gradio.url("mj"));
      spaces.api(gradio.url("zero"));
      assertThat(spaces.cachedClients()).isEqualTo(2);
      long before = gradio.requestCount("flux");
      spaces.api(gradio.url("flux"));
      assertThat(gradio.requestCount("flux")).as("flux was evicted first").isGreaterThan(before);
    }
  }

  @Test
  void aClientInUseIsNeverEvictedAndItsJobCompletes() throws Exception {
    String key = "gateway-" + System.nanoTime();
    LinkedBlockingQueue<SpaceEvent> events = new LinkedBlockingQueue<>();
    try (RealSpaceGateway spaces = gateway(1)) {
      spaces.submit(gradio.url("queue"), "/hold", List.of(key, 30), events::add);
      spaces.api(gradio.url("flux"));
      spaces.api(gradio.url("mj"));
      assertThat(spaces.cachedClients()).isEqualTo(2);
      gradio.release(key);
      SpaceEvent last;
      do {
        last = events.poll(20, TimeUnit.SECONDS);
        assertThat(last).as("an event within 20 s").isNotNull();
      } while (!last.terminal());
      assertThat(last).as(String.valueOf(last)).isInstanceOf(SpaceEvent.Completed.class);
    }
  }

  @Test
  void aProbeThatFindsNoImageEndpointLeavesNoClientBehind() {
    try (RealSpaceGateway spaces = gateway(8);
        ModelRegistry registry = new ModelRegistry(List.of(), null, spaces, Clock.systemUTC())) {
      ModelRegistry.Probe probe = registry.probe(BackendConfig.discover(gradio.url("progress")));
      assertThat(probe.ok()).isFalse();
      assertThat(probe.failure()).isNull();
      assertThat(spaces.cachedClients()).isZero();
    }
  }

  @Test
  void aProbeOfAHostThePolicyRefusesMakesNoConnection() {
    try (RealSpaceGateway spaces = gateway(8);
        ModelRegistry registry = new ModelRegistry(List.of(), null, spaces, Clock.systemUTC())) {
      ModelRegistry.Probe probe = registry.probe(BackendConfig.discover("http://10.0.0.5:7860"));
      assertThat(probe.failure()).isEqualTo(FailureCode.HOST_REFUSED);
      assertThat(spaces.cachedClients()).isZero();
    }
  }

  @Test
  void theDriftCheckReReadsConfigAndApiOnTheCachedClient() {
    String flux = gradio.url("flux");
    try (RealSpaceGateway spaces = gateway(8);
        ModelRegistry registry =
            new ModelRegistry(
                List.of(new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover(flux)))),
                null,
                spaces,
                Clock.systemUTC())) {
      Backend backend = registry.find("flux").orElseThrow().backends().get(0);
      assertThat(registry.check(backend)).isNotNull();
      long before = gradio.requestCount("flux");
      registry.checkLater(backend);
      // config and info, on the same client: nothing reconnects or closes.
      await().atMost(Duration.ofSeconds(20)).until(() -> gradio.requestCount("flux") >= before + 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> backend.mapping() != null);
      assertThat(spaces.cachedClients()).isEqualTo(1);
    }
  }

  @Test
  void spaceRetryHintsAreCappedAtAnHour() {
    Backend b = new Backend("m", 0, BackendConfig.discover("a/b"));
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(b.coolDown(now, Duration.ofHours(999))).isEqualTo(now.plus(Backend.MAX_COOL_DOWN));
    assertThat(b.coolDown(now, Duration.ofSeconds(-5))).isEqualTo(now);
    assertThat(b.coolDown(now, Duration.ofMinutes(3))).isEqualTo(now.plusSeconds(180));
    assertThat(b.status(now.plus(Duration.ofMinutes(61))).kind())
        .isNotEqualTo(BackendStatus.Kind.COOLING);
  }
}
