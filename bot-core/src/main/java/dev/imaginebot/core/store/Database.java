package dev.imaginebot.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HikariCP pool over the bot's database (an H2 file database in the data directory by default,
 * PostgreSQL for a {@code jdbc:postgresql:} URL), its schema migrated by Flyway from {@code
 * classpath:db/migration} when opened. The same migrations run on both.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** File name (without H2's {@code .mv.db}) of the default database in the data directory. */
  static final String DEFAULT_NAME = "imagine";

  /** H2's error code for "database may be already in use" (ErrorCode.DATABASE_ALREADY_OPEN_1). */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private final HikariDataSource pool;
  private final Path dataDir;
  private final Clock clock;

  /**
   * Held while an image's file and row are written or removed together, so storing an image and
   * removing an orphaned copy of the same image never interleave.
   */
  final Object imageLock = new Object();

  private Database(HikariDataSource pool, Path dataDir, Clock clock) {
    this.pool = pool;
    this.dataDir = dataDir;
    this.clock = clock;
  }

  /**
   * Opens the pool and migrates the schema.
   *
   * @param jdbcUrl a JDBC URL, or null for an H2 file database {@code imagine} in {@code dataDir}
   * @param dataDir the data directory (created if missing)
   * @throws StoreException when the database can't be opened or migrated
   */
  public static Database open(String jdbcUrl, Path dataDir) {
    return open(jdbcUrl, dataDir, Clock.systemUTC());
  }

  /**
   * Like {@link #open(String, Path)}, with the clock every store on this database timestamps with
   * (tests use a fixed or stepping clock).
   */
  public static Database open(String jdbcUrl, Path dataDir, Clock clock) {
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(clock, "clock == null");
    boolean ownsH2 = jdbcUrl == null || jdbcUrl.isBlank();
    String url = ownsH2 ? defaultUrl(dataDir) : jdbcUrl;
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + dataDir, e);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("imagine-db");
    config.setJdbcUrl(url);
    // The bot does a few short statements per job event; a handful of connections is plenty and
    // keeps an embedded database's memory small.
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    // Fail fast on a wrong URL instead of handing out a pool that never connects.
    config.setInitializationFailTimeout(1);
    if (ownsH2) {
      // Embedded connections never go stale. Not recycling them by age means the pool always holds
      // one (minimumIdle), so H2 never closes and reopens the database behind the pool's back.
      config.setMaxLifetime(0);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      if (inUse(e)) {
        throw new StoreException(
            "database "
                + redact(url)
                + " is in use by another process (is the bot already running?)",
            e);
      }
      throw new StoreException("cannot open database " + redact(url), e);
    }
    try {
      MigrateResult result =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(pool)
              .locations("classpath:db/migration")
              .load()
              .migrate();
      log.info(
          "Database {} at schema version {} ({} migrations applied)",
          redact(url),
          result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion,
          result.migrationsExecuted);
    } catch (FlywayException e) {
      pool.close();
      throw new StoreException("cannot migrate database " + redact(url), e);
    }
    return new Database(pool, dataDir.toAbsolutePath().normalize(), clock);
  }

  /** The H2 file database URL used when none is configured. */
  static String defaultUrl(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve(DEFAULT_NAME);
    String path = file.toString().replace('\\', '/');
    if (path.indexOf(';') >= 0) {
      throw new IllegalArgumentException("data directory path must not contain ';': " + dataDir);
    }
    // WRITE_DELAY=0: write each commit to the file at once (the default waits up to 500 ms, so a
    // killed process would lose jobs it had acknowledged; CrashRecoveryTest shows it).
    // MAX_COMPACT_TIME: writing every commit leaves many stale chunks; allowing a longer compaction
    // at close (H2's default is 200 ms) shrinks the file more (StoreBenchmark prints its size).
    // DB_CLOSE_ON_EXIT=FALSE: the pool closing its last connection closes the database (compacting
    // it), not a JVM shutdown hook, so jobs can still be saved while shutting down.
    return "jdbc:h2:file:"
        + path
        + ";AUTO_SERVER=FALSE;WRITE_DELAY=0;MAX_COMPACT_TIME=2000;DB_CLOSE_ON_EXIT=FALSE"
        + ";LOCK_TIMEOUT=10000";
  }

  /** The pooled data source. */
  public DataSource dataSource() {
    return pool;
  }

  /** True on PostgreSQL, false on H2 (which serves one process only). */
  public boolean postgres() {
    return pool.getJdbcUrl().startsWith("jdbc:postgresql:");
  }

  /**
   * A new connection of its own, outside the pool, for a session that lives long (LISTEN, an
   * advisory lock): holding a pooled one for that would shrink the small pool for good. The caller
   * closes it.
   */
  Connection unpooledConnection(String applicationName) throws SQLException {
    Properties props = new Properties();
    // pgjdbc's property: the session shows up under this name in pg_stat_activity.
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(pool.getJdbcUrl(), props);
  }

  /** The data directory (absolute): images live under {@code images/} in it. */
  public Path dataDir() {
    return dataDir;
  }

  /** The clock stores on this database timestamp with. */
  public Clock clock() {
    return clock;
  }

  /** Closes the pool, and with it an embedded database. */
  @Override
  public void close() {
    pool.close();
  }

  /** True when H2 refused to open a file database another process has open. */
  private static boolean inUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        return true;
      }
    }
    return false;
  }

  /** A URL without its query/credentials part, safe to log. */
  private static String redact(String url) {
    int cut = url.indexOf('?');
    String head = cut < 0 ? url : url.substring(0, cut);
    int at = head.indexOf('@');
    return at < 0 ? head : "jdbc:…@" + head.substring(at + 1);
  }
}
