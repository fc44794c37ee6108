package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The one set of migrations, on each database: from an empty schema and from the last release. */
@ParameterizedClass
@EnumSource(DbVendor.class)
class MigrationTest {
  @Parameter DbVendor vendor;
  @TempDir Path dir;

  /** The database of this test (null: H2 in {@code dir}). */
  String jdbcUrl;

  @BeforeEach
  void pickDatabase() {
    jdbcUrl = vendor.freshUrl();
  }

  @Test
  void anEmptyDatabaseGetsEveryTable() throws SQLException {
    try (Database db = Database.open(jdbcUrl, dir)) {
      assertThat(DatabaseTest.tables(db))
          .contains("JOBS", "JOB_IMAGES", "IMAGES", "SETTINGS", "MODELS", "AUDIT", "INBOX");
      assertThat(DatabaseTest.appliedVersions(db)).startsWith("1", "2").doesNotHaveDuplicates();
    }
  }

  @Test
  void reopeningAppliesNothingTwiceAndKeepsTheData() throws SQLException {
    List<String> first;
    try (Database db = Database.open(jdbcUrl, dir)) {
      new AuditLog(db).record("discord:1", "test", "kept");
      first = DatabaseTest.appliedVersions(db);
    }
    try (Database db = Database.open(jdbcUrl, dir)) {
      assertThat(DatabaseTest.appliedVersions(db)).isEqualTo(first);
      assertThat(new AuditLog(db).recent(10))
          .extracting(AuditEntry::detail)
          .containsExactly("kept");
    }
  }

  @Test
  void upgradingFromTheFirstReleaseKeepsJobsAndCountsOldOutcomesAsDelivered() throws SQLException {
    String url = jdbcUrl == null ? Database.defaultUrl(dir) : jdbcUrl;
    // The previous release's schema, with one finished and one unfinished job in it.
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String state : List.of("SUCCEEDED", "QUEUED")) {
        s.executeUpdate(
            "INSERT INTO jobs (user_key, chat_key, group_chat, platform, prompt, image_count,"
                + " model, state, created_at, finished_at) VALUES ('console:a', 'console:r',"
                + " FALSE, 'console', 'old "
                + state
                + "', 1, 'flux', '"
                + state
                + "', CURRENT_TIMESTAMP, "
                + (state.equals("QUEUED") ? "NULL" : "CURRENT_TIMESTAMP")
                + ")");
      }
    }
    try (Database db = Database.open(jdbcUrl, dir)) {
      assertThat(DatabaseTest.appliedVersions(db)).startsWith("1", "2");
      List<Recovery> left = new JobStore(db).recoverable(Instant.EPOCH);
      // The finished job was shown by the old release; only the unfinished one is left.
      assertThat(left).extracting(r -> r.job().request().prompt()).containsExactly("old QUEUED");
      assertThat(left.get(0).restarts()).isZero();
      assertThat(left.get(0).plannedSeed()).isNull();
    }
  }

  @Test
  void aDatabaseThatRefusesNeverShowsThePasswordInTheError() {
    assumeThat(vendor).isEqualTo(DbVendor.POSTGRESQL);
    String secret = "s3cret-" + System.nanoTime();
    String url =
        PostgresServer.shared().url("no_such_database") + "&password=" + secret + "&ssl=false";

    assertThatThrownBy(() -> Database.open(url, dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open database jdbc:postgresql://127.0.0.1:")
        .hasMessageNotContaining(secret);
  }
}
