package dev.imaginebot.core.store;

/**
 * The databases the store and engine suites run on. Each hands out a fresh, empty database for a
 * test: run a test class on both with {@code @ParameterizedClass @EnumSource(DbVendor.class)}.
 */
public enum DbVendor {
  /** The embedded default: an H2 file database in the test's own (temporary) data directory. */
  H2 {
    @Override
    public String freshUrl() {
      return null;
    }
  },
  /** A new database on the PostgreSQL server this test JVM shares ({@link PostgresServer}). */
  POSTGRESQL {
    @Override
    public String freshUrl() {
      return PostgresServer.shared().createDatabase();
    }
  };

  /**
   * A JDBC URL for {@link Database#open}, or null for H2's default file database in the data
   * directory (fresh, because each test has its own). Opening the same URL again reopens the same
   * database, as a restart would.
   */
  public abstract String freshUrl();
}
