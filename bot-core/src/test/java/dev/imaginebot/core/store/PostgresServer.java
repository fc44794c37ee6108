package dev.imaginebot.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One throwaway PostgreSQL server per test JVM, started on first use from the machine's PostgreSQL
 * binaries ({@code initdb}, {@code pg_ctl}) on loopback and stopped when the JVM exits; each test
 * gets its own database on it.
 *
 * <p>The binaries are found on the {@code PATH}, under {@code /usr/lib/postgresql/<version>/bin},
 * or in the directory the system property {@code imagine.test.pg.bin} names. PostgreSQL refuses to
 * run as root, so when the build runs as root the server runs as the {@code postgres} user (through
 * {@code runuser}). An embedded PostgreSQL from a jar (zonky's) cannot do that, which is why this
 * starts the server itself.
 */
public final class PostgresServer {
  private static final String SUPERUSER = "postgres";
  private static PostgresServer shared;

  private final Path home;
  private final Path binDir;
  private final boolean asPostgresUser;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresServer(Path home, Path binDir, boolean asPostgresUser, int port) {
    this.home = home;
    this.binDir = binDir;
    this.asPostgresUser = asPostgresUser;
    this.port = port;
  }

  /** The server of this JVM, started on the first call. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      PostgresServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-test-stop"));
    }
    return shared;
  }

  /** Creates an empty database and returns its JDBC URL (superuser, trusted on loopback). */
  public String createDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return url(name);
  }

  /** The JDBC URL of database {@code name} on this server. */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + SUPERUSER;
  }

  private static PostgresServer start() {
    Path bin = findBinaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path home = Files.createTempDirectory("imagine-pg");
      if (root) run(List.of("chown", SUPERUSER, home.toString()), home);
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      PostgresServer server = new PostgresServer(home, bin, root, port);
      Path data = home.resolve("data");
      server.pg(
          "initdb",
          "-D",
          data.toString(),
          "-U",
          SUPERUSER,
          "-A",
          "trust",
          "-E",
          "UTF8",
          "--no-locale",
          "--no-sync");
      // A test server: durability off for speed, TCP on loopback only, no socket directory to
      // share with the machine's own server.
      String options =
          "-p "
              + port
              + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
              + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
              + " -c max_connections=300";
      server.pg(
          "pg_ctl",
          "-D",
          data.toString(),
          "-o",
          options,
          "-l",
          home.resolve("log").toString(),
          "-w",
          "-t",
          "60",
          "start");
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a test PostgreSQL server", e);
    }
  }

  private void stop() {
    try {
      pg("pg_ctl", "-D", home.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } catch (RuntimeException e) {
      System.err.println("could not stop the test PostgreSQL server: " + e.getMessage());
    }
    deleteTree(home);
  }

  /** Deletes a directory tree, going on past files that vanish or refuse. */
  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              file.toFile().delete();
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
              dir.toFile().delete();
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }

  private void pg(String tool, String... args) {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) command.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    command.add(binDir.resolve(tool).toString());
    command.addAll(List.of(args));
    run(command, home);
  }

  private static void run(List<String> command, Path dir) {
    try {
      Path out = Files.createTempFile("imagine-pg", ".out");
      try {
        Process p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "failed (" + p.exitValue() + "): " + command + "\n" + Files.readString(out));
        }
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  private static Path findBinaries() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty("imagine.test.pg.bin");
    if (configured != null && !configured.isBlank()) candidates.add(Path.of(configured));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) candidates.add(Path.of(dir));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (Path dir : candidates) {
      if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
        // Resolve links (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb): pg_ctl
        // finds the postgres binary next to its real path.
        try {
          return dir.resolve("pg_ctl").toRealPath().getParent();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException(
        "The PostgreSQL tests need PostgreSQL's initdb and pg_ctl (for example the postgresql"
            + " package); none found on the PATH or under /usr/lib/postgresql. Set"
            + " -Dimagine.test.pg.bin=<dir> to point at them.");
  }
}
