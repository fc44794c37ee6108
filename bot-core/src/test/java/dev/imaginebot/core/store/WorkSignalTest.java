package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
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
class WorkSignalTest {
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

  /** Records each listener call; polled with a timeout. */
  static final class Wakes implements Runnable {
    final BlockingQueue<Long> calls = new LinkedBlockingQueue<>();

    @Override
    public void run() {
      calls.add(System.nanoTime());
    }

    boolean await() throws InterruptedException {
      return calls.poll(10, TimeUnit.SECONDS) != null;
    }

    boolean quietFor(Duration d) throws InterruptedException {
      return calls.poll(d.toMillis(), TimeUnit.MILLISECONDS) == null;
    }
  }

  private WorkSignal listen(Database on, Runnable listener) {
    WorkSignal s = WorkSignal.listen(on, listener);
    opened.add(s);
    return s;
  }

  /** Waits until the signal's session listens (PostgreSQL), so a notification cannot miss it. */
  private void awaitListening(int sessions) {
    if (vendor != DbVendor.POSTGRESQL) return;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> listenerPids().size() == sessions && allListening());
  }

  @Test
  void aNotificationWakesTheListener() throws Exception {
    Wakes wakes = new Wakes();
    WorkSignal signal = listen(db, wakes);
    awaitListening(1);

    signal.notifyNewWork();

    assertThat(wakes.await()).isTrue();
    assertThat(wakes.quietFor(Duration.ofMillis(300))).isTrue();
  }

  @Test
  void noWakeUpWithoutANotification() throws Exception {
    Wakes wakes = new Wakes();
    listen(db, wakes);
    awaitListening(1);

    assertThat(wakes.quietFor(Duration.ofMillis(700))).isTrue();
  }

  @Test
  void notificationsDuringACallLeadToOneMoreCall() throws Exception {
    CountDownLatch inFirstCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Wakes wakes = new Wakes();
    WorkSignal signal =
        listen(
            db,
            () -> {
              wakes.run();
              inFirstCall.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    awaitListening(1);
    signal.notifyNewWork();
    assertThat(inFirstCall.await(10, TimeUnit.SECONDS)).isTrue();

    signal.notifyNewWork();
    signal.notifyNewWork();
    release.countDown();

    assertThat(wakes.await()).isTrue();
    assertThat(wakes.await()).as("the notifications during the first call").isTrue();
  }

  @Test
  void theListenerIsNotCalledAfterClose() throws Exception {
    Wakes wakes = new Wakes();
    WorkSignal signal = listen(db, wakes);
    awaitListening(1);

    signal.close();
    signal.notifyNewWork();

    assertThat(wakes.quietFor(Duration.ofMillis(500))).isTrue();
    if (vendor == DbVendor.POSTGRESQL) assertThat(listenerPids()).isEmpty();
  }

  @Test
  void twoDatabasesOnOneServerSeeEachOthersNotifications() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2 serves one process");
    Database other = Database.open(url, dir.resolve("other"));
    opened.add(other);
    Wakes here = new Wakes();
    Wakes there = new Wakes();
    WorkSignal mine = listen(db, here);
    WorkSignal theirs = listen(other, there);
    awaitListening(2);

    theirs.notifyNewWork();
    assertThat(here.await()).isTrue();
    assertThat(there.await()).as("the notifier's own listener").isTrue();

    mine.notifyNewWork();
    assertThat(there.await()).isTrue();
  }

  @Test
  void aNotificationInsideATransactionGoesOutAtCommitAndNotAtRollback() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2's in-process signal is not transactional");
    Wakes wakes = new Wakes();
    WorkSignal signal = listen(db, wakes);
    awaitListening(1);

    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      signal.notifyNewWork(c);
      assertThat(wakes.quietFor(Duration.ofMillis(500))).as("not before the commit").isTrue();
      c.commit();
      assertThat(wakes.await()).isTrue();

      signal.notifyNewWork(c);
      c.rollback();
      c.setAutoCommit(true);
    }
    assertThat(wakes.quietFor(Duration.ofMillis(700))).as("rolled back").isTrue();
  }

  @Test
  void aDroppedListeningConnectionReconnectsAndHearsTheNextNotification() throws Exception {
    assumeTrue(vendor == DbVendor.POSTGRESQL, "H2 has no listening connection");
    Wakes wakes = new Wakes();
    WorkSignal signal = listen(db, wakes);
    awaitListening(1);
    List<Integer> before = listenerPids();

    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
              + WorkSignal.APPLICATION_NAME
              + "' AND datname = current_database()");
    }

    // Back, it looks once for work sent while it was away, then listens again.
    assertThat(wakes.await()).as("the look after reconnecting").isTrue();
    List<Integer> after = listenerPids();
    assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
    assertThat(allListening()).isTrue();

    signal.notifyNewWork();
    assertThat(wakes.await()).isTrue();
  }

  private List<Integer> listenerPids() throws SQLException {
    List<Integer> pids = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE application_name = '"
                    + WorkSignal.APPLICATION_NAME
                    + "' AND datname = current_database()")) {
      while (rs.next()) pids.add(rs.getInt(1));
    }
    return pids;
  }

  /** True when every signal session has run its LISTEN (its last statement). */
  private boolean allListening() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + WorkSignal.APPLICATION_NAME
                    + "' AND datname = current_database() AND query NOT LIKE 'LISTEN%' AND query <> ''")) {
      rs.next();
      return rs.getInt(1) == 0;
    }
  }
}
