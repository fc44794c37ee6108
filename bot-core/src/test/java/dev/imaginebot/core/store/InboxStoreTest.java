package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The inbox of platform updates: stored once, handed out until handled, young ones held back. */
@ParameterizedClass
@EnumSource(DbVendor.class)
class InboxStoreTest {
  @Parameter DbVendor vendor;

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2026-06-01T10:00:00Z"));
  Database db;
  InboxStore inbox;

  @BeforeEach
  void open() {
    db = Database.open(vendor.freshUrl(), dir, clock);
    inbox = new InboxStore(db, "bot-1");
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void anUpdateIsStoredOnceAndHandedOutUntilHandled() {
    assertThat(inbox.receive("telegram", "1", "{\"a\":1}")).isTrue();
    assertThat(inbox.receive("telegram", "1", "{\"a\":1}")).isFalse();
    assertThat(inbox.receive("discord", "1", "{}")).isTrue();
    assertThat(inbox.pending("telegram", 10))
        .containsExactly(new InboxStore.Pending("1", "{\"a\":1}"));
    inbox.handled("telegram", "1");
    assertThat(inbox.pending("telegram", 10)).isEmpty();
    assertThat(inbox.pending("discord", 10)).hasSize(1);
  }

  @Test
  void anotherInstancesYoungUpdateIsLeftToItButThisInstancesOwnAreHandedBack() {
    InboxStore other = new InboxStore(db, "bot-2");
    other.receive("telegram", "old", "{}");
    clock.advance(Duration.ofSeconds(40));
    other.receive("telegram", "new", "{}");
    inbox.receive("telegram", "mine", "{}");
    Instant cutOff = clock.instant().minus(Duration.ofSeconds(30));
    // bot-1 restarted: what its earlier run stored is its own to handle, at once.
    assertThat(inbox.pending("telegram", 10, cutOff))
        .extracting(InboxStore.Pending::key)
        .containsExactly("old", "mine");
    clock.advance(Duration.ofSeconds(31));
    assertThat(inbox.pending("telegram", 10, clock.instant().minus(Duration.ofSeconds(30))))
        .extracting(InboxStore.Pending::key)
        .containsExactly("old", "mine", "new");
  }
}
