package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void migratesAFreshFileDatabaseInTheDataDirectory() throws SQLException {
    Path dataDir = dir.resolve("data");
    try (Database db = Database.open(null, dataDir)) {
      assertThat(dataDir.resolve("imagine.mv.db")).isRegularFile();
      assertThat(tables(db))
          .contains(
              "JOBS",
              "JOB_IMAGES",
              "IMAGES",
              "SETTINGS",
              "MODELS",
              "AUDIT",
              "INBOX",
              "CHAT_MODELS");
      assertThat(appliedVersions(db)).startsWith("1", "2", "3").doesNotHaveDuplicates();
      assertThat(db.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
    }
  }

  @Test
  void reopeningAMigratedDatabaseAppliesNothingTwice() throws SQLException {
    try (Database db = Database.open(null, dir)) {
      new AuditLog(db).record("discord:1", "test", "kept");
    }
    List<String> first;
    try (Database db = Database.open(null, dir)) {
      first = appliedVersions(db);
    }
    try (Database db = Database.open(null, dir)) {
      assertThat(appliedVersions(db)).isEqualTo(first).doesNotHaveDuplicates();
      assertThat(new AuditLog(db).recent(10))
          .extracting(AuditEntry::detail)
          .containsExactly("kept");
    }
  }

  @Test
  void acceptsAnyJdbcUrl() throws SQLException {
    String url = "jdbc:h2:mem:custom-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    try (Database db = Database.open(url, dir)) {
      assertThat(tables(db)).contains("JOBS");
      try (Connection c = db.dataSource().getConnection()) {
        assertThat(c.getMetaData().getURL()).startsWith("jdbc:h2:mem:custom-");
      }
    }
    assertThat(dir.resolve("imagine.mv.db")).doesNotExist();
  }

  @Test
  void aBrokenUrlIsAStoreException() {
    assertThatThrownBy(() -> Database.open("jdbc:nosuchdriver:x", dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open database");
  }

  @Test
  void closeClosesThePoolAndReleasesTheDatabaseFile() throws IOException {
    Database db = Database.open(null, dir);
    Path file = dir.resolve("imagine.mv.db");
    assertThatThrownBy(() -> tryLock(file)).isInstanceOf(OverlappingFileLockException.class);

    db.close();

    assertThatThrownBy(() -> db.dataSource().getConnection()).isInstanceOf(SQLException.class);
    tryLock(file); // H2 let go of its file lock: the database is shut down, not just idle
  }

  @Test
  void isReachableWhileOpenAndNotOnceClosed() {
    Database db = Database.open(null, dir);
    assertThat(db.reachable(Duration.ofSeconds(2))).isTrue();

    db.close();

    assertThat(db.reachable(Duration.ofSeconds(2))).isFalse();
  }

  @Test
  void aPostgresDatabaseThatTakesNoConnectionsIsUnreachableWithinTheTimeout() throws SQLException {
    String url = PostgresServer.shared().createDatabase();
    String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
    try (Database db = Database.open(url, dir)) {
      assertThat(db.reachable(Duration.ofSeconds(2))).isTrue();

      // The database goes away for this pool: no new sessions, and its open ones are ended.
      try (Connection c = DriverManager.getConnection(PostgresServer.shared().url("postgres"));
          Statement s = c.createStatement()) {
        s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        s.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + name
                + "'");
      }

      long start = System.nanoTime();
      assertThat(db.reachable(Duration.ofMillis(500))).isFalse();
      // The pool itself would wait 10 s for a connection; the check gives up at its own timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  private static void tryLock(Path file) throws IOException {
    try (FileChannel channel =
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      assertThat(lock).isNotNull();
    }
  }

  @Test
  void defaultUrlIsAnAbsoluteFileUrlWithSafeSettings() {
    String url = Database.defaultUrl(Path.of("rel/data"));
    assertThat(url)
        .startsWith("jdbc:h2:file:" + Path.of("rel/data").toAbsolutePath().normalize())
        .contains("/imagine;")
        .contains("WRITE_DELAY=0")
        .contains("AUTO_SERVER=FALSE");
    assertThatThrownBy(() -> Database.defaultUrl(Path.of("bad;dir")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.exists(Path.of("rel"))).isFalse();
  }

  static List<String> tables(Database db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) out.add(rs.getString("TABLE_NAME").toUpperCase(java.util.Locale.ROOT));
    }
    return out;
  }

  static List<String> appliedVersions(Database db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL"
                    + " ORDER BY \"installed_rank\"")) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }
}
