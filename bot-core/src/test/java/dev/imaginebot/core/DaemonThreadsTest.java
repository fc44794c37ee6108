package dev.imaginebot.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void threadsAreDaemonsNamedByPrefixAndCount() {
    ThreadFactory factory = DaemonThreads.named("imagine-test");
    Thread first = factory.newThread(() -> {});
    Thread second = factory.newThread(() -> {});
    assertThat(first.isDaemon()).isTrue();
    assertThat(second.isDaemon()).isTrue();
    assertThat(first.getName()).isEqualTo("imagine-test-1");
    assertThat(second.getName()).isEqualTo("imagine-test-2");
  }
}
