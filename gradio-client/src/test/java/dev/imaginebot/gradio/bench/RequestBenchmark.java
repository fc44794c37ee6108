package dev.imaginebot.gradio.bench;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.JobListener;
import dev.imaginebot.gradio.Prediction;
import dev.imaginebot.gradio.testing.GradioTestServer;
import dev.imaginebot.gradio.testing.OfficialGradioClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Requests per job (cold and warm) and median client-side latency per job, for this client and for
 * Python's official {@code gradio_client}, against the local zero-work {@code /zero} app (a tiny
 * PNG returned at once). Not a test: run it by hand.
 *
 * <pre>
 * ./mvnw -B -ntp -o -q -pl gradio-client test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.imaginebot.gradio.bench.RequestBenchmark \
 *     -Dbench.versions=6.31.0,3.50.2 -Dbench.jobs=50
 * </pre>
 *
 * <p>Arguments (or system properties {@code bench.versions}, comma-separated, and {@code
 * bench.jobs}; {@code exec.args} would also reach the module's venv-provisioning exec): Gradio
 * versions (default: all pinned) and the number of warm jobs (default 50). Request counts come from
 * the client's own counter and from the server (which counts every HTTP request and websocket
 * connection per app); a job includes downloading its image.
 */
public final class RequestBenchmark {

  private RequestBenchmark() {}

  /** Runs the benchmark and prints one table. */
  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    List<String> versions = new ArrayList<>();
    int jobs = Integer.getInteger("bench.jobs", 50);
    for (String v : System.getProperty("bench.versions", "").split(",")) {
      if (!v.isBlank()) {
        versions.add(v.trim());
      }
    }
    for (String arg : args) {
      if (arg.matches("\\d+")) {
        jobs = Integer.parseInt(arg);
      } else {
        versions.add(arg);
      }
    }
    if (versions.isEmpty()) {
      versions.addAll(GradioTestServer.versions());
    }
    List<String> rows = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    rows.add(
        String.format(
            "%-8s %-22s %10s %10s %14s %14s %12s",
            "gradio", "client", "cold req", "warm req", "warm req (srv)", "cold ms", "median ms"));
    for (String version : versions) {
      try (GradioTestServer server = GradioTestServer.start(version)) {
        rows.add(ours(server, jobs));
        rows.add(official(server, jobs));
        busy.add(underLoad(server, jobs * 4, IN_FLIGHT));
      }
    }
    System.out.println();
    System.out.println("Zero-work app /zero, " + jobs + " warm jobs per client, one at a time:");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.println(
        "Steady load: "
            + (jobs * 4)
            + " jobs with "
            + IN_FLIGHT
            + " in flight at all times (a busy bot), one shared session and stream:");
    busy.forEach(System.out::println);
  }

  /** Jobs kept in flight at once by {@link #underLoad}. */
  private static final int IN_FLIGHT = 4;

  /**
   * Requests per job while several jobs overlap, as in a busy bot: the session's stream stays open
   * between them, so a job costs its join and its image GET, plus a stream GET only when the server
   * saw the session idle for a moment and closed it.
   */
  private static String underLoad(GradioTestServer server, int jobs, int inFlight)
      throws Exception {
    try (GradioClient client = GradioClient.connect(server.url("zero"), GradioOptions.defaults())) {
      job(client);
      long before = client.requestCount();
      java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
      java.util.concurrent.ExecutorService downloads =
          java.util.concurrent.Executors.newFixedThreadPool(inFlight);
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(jobs);
      java.util.concurrent.atomic.AtomicInteger failed =
          new java.util.concurrent.atomic.AtomicInteger();
      for (int i = 0; i < jobs; i++) {
        slots.acquire();
        client
            .submit("/zero", Arguments.positional("x"), JobListener.NONE)
            .result()
            .whenCompleteAsync(
                (p, error) -> {
                  try {
                    if (error != null) {
                      failed.incrementAndGet();
                    } else {
                      for (FileRef file : p.files()) client.download(file, 1 << 20);
                    }
                  } catch (RuntimeException e) {
                    failed.incrementAndGet();
                  } finally {
                    slots.release();
                    done.countDown();
                  }
                },
                downloads);
      }
      if (!done.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("jobs did not end");
      downloads.shutdown();
      double perJob = (client.requestCount() - before) / (double) jobs;
      return String.format(
          "%-8s %-22s %10.2f requests per job (%d failed)",
          server.version(), "imagine-bot (Java)", perJob, failed.get());
    }
  }

  private static String ours(GradioTestServer server, int jobs) throws Exception {
    warmUpJvm(server);
    long srv0 = server.requestCount("zero");
    long start = System.nanoTime();
    long cold;
    long coldMs;
    List<Double> times = new ArrayList<>();
    long warmRequests;
    long warmServer;
    try (GradioClient client = GradioClient.connect(server.url("zero"), GradioOptions.defaults())) {
      job(client);
      coldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      cold = client.requestCount();
      long srv1 = server.requestCount("zero");
      long before = client.requestCount();
      for (int i = 0; i < jobs; i++) {
        long t = System.nanoTime();
        job(client);
        times.add((System.nanoTime() - t) / 1e6);
      }
      warmRequests = client.requestCount() - before;
      warmServer = server.requestCount("zero") - srv1;
      if (srv1 - srv0 != cold) {
        System.out.printf(
            "gradio %s: server counted %d cold requests, client %d%n",
            server.version(), srv1 - srv0, cold);
      }
    }
    return String.format(
        "%-8s %-22s %10d %10.2f %14.2f %14d %12.1f",
        server.version(),
        "imagine-bot (Java)",
        cold,
        warmRequests / (double) jobs,
        warmServer / (double) jobs,
        coldMs,
        median(times));
  }

  /**
   * One throw-away client and job first, so that "cold" measures a new connection rather than the
   * JVM loading classes (a Python process has imported its modules before its timer starts too).
   */
  private static void warmUpJvm(GradioTestServer server) throws Exception {
    try (GradioClient client = GradioClient.connect(server.url("zero"), GradioOptions.defaults())) {
      job(client);
    }
  }

  private static void job(GradioClient client) throws Exception {
    Prediction p =
        client
            .submit("/zero", Arguments.positional("x"), JobListener.NONE)
            .result()
            .get(60, TimeUnit.SECONDS);
    for (FileRef file : p.files()) {
      client.download(file, 1 << 20);
    }
  }

  private static String official(GradioTestServer server, int jobs) {
    String json = new OfficialGradioClient(server).bench("zero", "/zero", "[\"x\"]", jobs);
    return String.format(
        "%-8s %-22s %10s %10s %14s %14s %12s",
        server.version(),
        "gradio_client (Python)",
        field(json, "requests_cold"),
        "-",
        field(json, "requests_per_job"),
        field(json, "cold_ms"),
        field(json, "median_ms"));
  }

  private static String field(String json, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + name + "\": ([0-9.]+)").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
