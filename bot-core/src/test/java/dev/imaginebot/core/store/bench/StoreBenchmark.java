package dev.imaginebot.core.store.bench;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.store.Database;
import dev.imaginebot.core.store.JobRecord;
import dev.imaginebot.core.store.JobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints what the job store costs: create and state-change latency, history and unfinished()
 * queries over many jobs. Run: {@code java -cp <test classpath>
 * dev.imaginebot.core.store.bench.StoreBenchmark [jobs] [jdbcUrl]}.
 */
public final class StoreBenchmark {
  private StoreBenchmark() {}

  public static void main(String[] args) throws IOException {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path dir = Files.createTempDirectory("store-bench");
    // A second argument is a JDBC URL, or ";SETTING=x;..." for an H2 file URL with just those.
    String url = null;
    if (args.length > 1) {
      url =
          args[1].startsWith(";")
              ? "jdbc:h2:file:" + dir.toAbsolutePath().resolve("imagine") + args[1]
              : args[1];
    }
    try {
      long t0 = System.nanoTime();
      try (Database db = Database.open(url, dir)) {
        long opened = System.nanoTime();
        System.out.printf("open + migrate: %.1f ms%n", (opened - t0) / 1e6);
        JobStore store = new JobStore(db);
        ChatRef chat = new ChatRef("discord", "1", true);
        List<Long> ids = new ArrayList<>(jobs);
        long c0 = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
          UserRef user = new UserRef("discord", Integer.toString(i % 100), "u", "en");
          JobRecord job =
              store.create(user, chat, "ref" + i, GenerationRequest.of("prompt " + i), "flux");
          ids.add(job.id());
        }
        long c1 = System.nanoTime();
        System.out.printf("create: %.3f ms/job (%d jobs)%n", (c1 - c0) / 1e6 / jobs, jobs);
        long s0 = System.nanoTime();
        for (long id : ids) {
          store.markSubmitted(id, "a/b");
          store.markRunning(id);
          store.markFailed(id, "TIMEOUT", "slow");
        }
        long s1 = System.nanoTime();
        System.out.printf("3 state changes: %.3f ms/job%n", (s1 - s0) / 1e6 / jobs);
        for (int i = 0; i < jobs; i++) {
          store.create(
              new UserRef("discord", Integer.toString(i % 100), "u", "en"),
              chat,
              "r",
              GenerationRequest.of("p"),
              "flux");
        }
        long u0 = System.nanoTime();
        int unfinished = store.unfinished().size();
        long u1 = System.nanoTime();
        System.out.printf("unfinished(): %.1f ms for %d jobs%n", (u1 - u0) / 1e6, unfinished);
        long h0 = System.nanoTime();
        for (int i = 0; i < 100; i++) store.history("discord:" + i, i % 5, 10);
        long h1 = System.nanoTime();
        System.out.printf("history page: %.3f ms%n", (h1 - h0) / 1e6 / 100);
        long st0 = System.nanoTime();
        for (int i = 0; i < 100; i++) store.stats("discord:" + i);
        long st1 = System.nanoTime();
        System.out.printf("stats: %.3f ms%n", (st1 - st0) / 1e6 / 100);
      }
      Path file = dir.resolve("imagine.mv.db");
      if (Files.exists(file)) {
        System.out.printf("database file after close: %d KiB%n", Files.size(file) / 1024);
        try (Database db = Database.open(url, dir)) {
          System.out.printf("unfinished after reopen: %d%n", new JobStore(db).unfinished().size());
        }
        System.out.printf("database file after reopen: %d KiB%n", Files.size(file) / 1024);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }
}
