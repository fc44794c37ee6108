package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.ForwardingBot;
import dev.imaginebot.core.Role;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The front-end long-polls exactly while it holds the poller role, here a role the test grants and
 * takes away by hand (as another instance taking over would); {@link TelegramFrontEnd#polling()} is
 * what {@code /healthz} reports. {@code PollerTakeoverTest} shows the same with real instances on
 * PostgreSQL.
 */
class PollerRoleTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  FakeTelegramBotApi api;
  HandRole role;
  TelegramFrontEnd telegram;

  /** A role that nobody holds until the test grants it. */
  static final class HandRole implements Role {
    final String name;
    final Role.Listener listener;
    private volatile boolean held;

    HandRole(String name, Role.Listener listener) {
      this.name = name;
      this.listener = listener;
    }

    synchronized void grant() {
      held = true;
      listener.acquired();
    }

    synchronized void takeAway() {
      held = false;
      listener.lost();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean held() {
      return held;
    }

    @Override
    public synchronized void close() {
      if (held) takeAway();
    }
  }

  @BeforeEach
  void start() {
    api = new FakeTelegramBotApi("ImagineBot");
    telegram =
        TelegramFrontEnd.start(
            api.config(),
            new ForwardingBot(new FakeBot()) {
              @Override
              public Role requestRole(String name, Role.Listener listener) {
                role = new HandRole(name, listener);
                return role;
              }
            });
  }

  @AfterEach
  void stop() {
    telegram.close();
    api.close();
  }

  @Test
  void pollsOnlyWhileItHoldsThePollerRole() {
    assertThat(role.name()).startsWith(TelegramFrontEnd.POLLER_ROLE);
    assertThat(telegram.mode()).isEqualTo(TelegramConfig.Mode.LONG_POLLING);
    assertThat(telegram.polling()).as("standing by").isFalse();
    assertThat(api.calls("getUpdates")).isEmpty();

    role.grant();

    assertThat(telegram.polling()).isTrue();
    await().atMost(WAIT).until(() -> !api.calls("getUpdates").isEmpty());

    role.takeAway();

    assertThat(telegram.polling()).as("another instance polls now").isFalse();
  }
}
