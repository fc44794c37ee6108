package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(DbVendor.class)
class RoleLockTest {
  private static final Duration CHECK = Duration.ofMillis(200);

  @Parameter DbVendor vendor;
  @TempDir Path dir;
  String url;
  Database db;
  final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void open() {
    url = vendor.freshUrl();
    db = Database.open(url, dir);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
    db.close();
  }

  /** Records acquired/lost in order. */
  static final class Events implements dev.imaginebot.core.Role.Listener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void acquired() {
      events.add("acquired");
    }

    @Override
    public void lost() {
      events.add("lost");
    }

    String next() throws InterruptedException {
      String e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("a role event").isNotNull();
      return e;
    }

    boolean quietFor(Duration d) throws InterruptedException {
      return events.poll(d.toMillis(), TimeUnit.MILLISECONDS) == null;
    }
  }

  private RoleLock request(Database on, String role, Events events) {
    RoleLock l = RoleLock.request(on, role, events, CHECK);
    opened.add(l);
    return l;
  }

  private Database second() {
    Database other = Database.open(url, dir.resolve("other"));
    opened.add(other);
    return other;
  }

  @Test
  void aLoneInstanceGetsTheRoleAndLosesItWhenItCloses() throws Exception {
    Events events = new Events();
    RoleLock lock = request(db, "poller", events);

    assertThat(events.next()).isEqualTo("acquired");
    assertThat(lock.held()).isTrue();
    lock.close();

    assertThat(events.next()).isEqualTo("lost");
    assertThat(lock.held()).isFalse();
  }

  @Test
  void onlyOneOfTwoInstancesHoldsTheRoleAndTheOtherTakesOverWhenItCloses() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2 serves one process");
    Events first = new Events();
    Events second = new Events();
    RoleLock a = request(db, "poller", first);
    assertThat(first.next()).isEqualTo("acquired");
    RoleLock b = request(second(), "poller", second);

    assertThat(second.quietFor(Duration.ofMillis(700))).as("standing by").isTrue();
    assertThat(b.held()).isFalse();
    a.close();

    assertThat(first.next()).isEqualTo("lost");
    assertThat(second.next()).isEqualTo("acquired");
    assertThat(b.held()).isTrue();
  }

  @Test
  void differentRolesDoNotExcludeEachOther() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2 serves one process");
    Events first = new Events();
    Events second = new Events();
    request(db, "telegram-poller:1", first);
    request(second(), "telegram-poller:2", second);

    assertThat(first.next()).isEqualTo("acquired");
    assertThat(second.next()).isEqualTo("acquired");
  }

  @Test
  void aHolderWhoseConnectionIsKilledLosesTheRoleAndTheStandbyTakesIt() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2 has no lock connection");
    Events first = new Events();
    Events second = new Events();
    request(db, "poller", first);
    assertThat(first.next()).isEqualTo("acquired");
    RoleLock b = request(second(), "poller", second);
    assertThat(second.quietFor(Duration.ofMillis(500))).isTrue();

    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      // The holder's session: the one not waiting in pg_advisory_lock.
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
              + RoleLock.APPLICATION_NAME
              + "poller' AND datname = current_database() AND wait_event_type IS DISTINCT FROM"
              + " 'Lock'");
    }

    assertThat(second.next()).isEqualTo("acquired");
    assertThat(first.next()).isEqualTo("lost");
    assertThat(b.held()).isTrue();
    // The first instance competes again, now as the standby.
    assertThat(first.quietFor(Duration.ofMillis(700))).isTrue();
  }

  @Test
  void closingAStandbyEndsItsWait() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2 serves one process");
    Events first = new Events();
    Events second = new Events();
    request(db, "poller", first);
    assertThat(first.next()).isEqualTo("acquired");
    RoleLock b = request(second(), "poller", second);
    assertThat(second.quietFor(Duration.ofMillis(500))).isTrue();

    long start = System.nanoTime();
    b.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(second.quietFor(Duration.ofMillis(300))).as("never acquired nor lost").isTrue();
  }

  @Test
  void theKeyOfARoleIsStable() {
    assertThat(RoleLock.key("telegram-poller:4242"))
        .isEqualTo(RoleLock.key("telegram-poller:4242"));
    assertThat(RoleLock.key("a")).isNotEqualTo(RoleLock.key("b"));
    // FNV-1a 64 of "a", as published.
    assertThat(RoleLock.key("a")).isEqualTo(0xaf63dc4c8601ec8cL);
  }
}
