package dev.imaginebot.gradio.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real Gradio server for tests: one Python process per pinned Gradio release, serving the test
 * apps of {@code gradio-apps/apps.py} (on the test classpath) at sub-paths such as {@code /flux},
 * {@code /mj}, {@code /progress}, {@code /queue}, {@code /stream}, {@code /error}, {@code /auth}
 * (user {@code user}, password {@code pass}), {@code /state}, {@code /unnamed}, {@code /zero} and
 * {@code /echo} (an Image input), and the corpus of Space-shaped apps of {@code
 * gradio-apps/corpus.py} at {@code /c-<shape>} (see {@link #corpus()} and {@link #received}).
 *
 * <p>The venvs come from {@code scripts/gradio-venvs.sh}; their home is the system property {@code
 * gradio.venv.home} (default {@code ~/.cache/imagine-bot/gradio}). Use {@link #shared(String)} so
 * that all test classes of a JVM share one process per release:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @MethodSource("dev.imaginebot.gradio.testing.GradioTestServer#versions")
 * void infers(String version) {
 *   String url = GradioTestServer.shared(version).url("flux");
 *   ...
 * }
 * }</pre>
 *
 * <p>The system property {@code gradio.versions} (comma-separated) narrows {@link #versions()} for
 * quick local runs.
 */
public final class GradioTestServer implements AutoCloseable {

  private static final List<String> PINNED =
      List.of("6.31.0", "5.50.0", "4.44.1", "4.20.1", "3.50.2");
  private static final String READY = "GRADIO_APPS_READY port=";
  private static final Duration START_TIMEOUT =
      Duration.ofSeconds(Long.getLong("gradio.start.timeout.seconds", 180));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, GradioTestServer> SHARED = new ConcurrentHashMap<>();
  private static final Map<String, RuntimeException> FAILED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> SHARED.values().forEach(GradioTestServer::close), "gradio-test-servers"));
  }

  private final String version;
  private final Path python;
  private final Path workDir;
  private final Path logFile;
  private final Process process;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private GradioTestServer(String version) {
    this.version = version;
    Path venv = venvHome().resolve(version);
    this.python = venv.resolve("bin").resolve("python");
    if (!Files.isExecutable(python) || !Files.exists(venv.resolve(".ready"))) {
      throw new IllegalStateException(
          "No Gradio "
              + version
              + " venv at "
              + venv
              + ": run scripts/gradio-venvs.sh (or `./mvnw -pl gradio-client verify`, which runs it)");
    }
    try {
      this.workDir = Files.createTempDirectory("gradio-apps-" + version + "-");
      Path apps = workDir.resolve("apps.py");
      for (String file : List.of("apps.py", "corpus.py")) {
        try (InputStream in = GradioTestServer.class.getResourceAsStream("/gradio-apps/" + file)) {
          if (in == null) {
            throw new IllegalStateException("gradio-apps/" + file + " is not on the classpath");
          }
          Files.copy(in, workDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path logDir = Paths.get(System.getProperty("gradio.log.dir", "target/gradio-logs"));
      Files.createDirectories(logDir);
      this.logFile =
          logDir.resolve("gradio-" + version + "-" + ProcessHandle.current().pid() + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(python.toString(), "-u", apps.toString(), "--port", "0")
              .directory(workDir.toFile())
              .redirectErrorStream(true);
      pb.environment().put("GRADIO_ANALYTICS_ENABLED", "False");
      pb.environment().put("GRADIO_TEMP_DIR", workDir.resolve("cache").toString());
      pb.environment().put("PYTHONUNBUFFERED", "1");
      pb.environment().put("NO_PROXY", "127.0.0.1,localhost");
      this.process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start Gradio " + version, e);
    }
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(ready), "gradio-" + version + "-output");
    pump.setDaemon(true);
    pump.start();
    try {
      this.port = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroy();
      throw new IllegalStateException("Interrupted while starting Gradio " + version, e);
    } catch (ExecutionException | TimeoutException e) {
      destroy();
      throw new IllegalStateException(
          "Gradio " + version + " did not start within " + START_TIMEOUT + "; see " + logFile, e);
    }
  }

  /**
   * The pinned Gradio releases, newest first (narrowed by system property {@code gradio.versions}).
   */
  public static List<String> versions() {
    String only = System.getProperty("gradio.versions", "").trim();
    if (only.isEmpty()) {
      return PINNED;
    }
    return Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The newest pinned release. */
  public static String latest() {
    return PINNED.get(0);
  }

  /**
   * The server for {@code version}, started on first use and shared by every caller in this JVM;
   * stopped by a shutdown hook.
   *
   * @throws IllegalStateException when the venv is missing or the server does not start
   */
  public static synchronized GradioTestServer shared(String version) {
    RuntimeException failed = FAILED.get(version);
    if (failed != null) {
      // Fail fast instead of paying the start timeout again in every test.
      throw new IllegalStateException(failed.getMessage(), failed);
    }
    GradioTestServer server = SHARED.get(version);
    if (server == null) {
      try {
        server = new GradioTestServer(version);
      } catch (RuntimeException e) {
        FAILED.put(version, e);
        throw e;
      }
      SHARED.put(version, server);
    }
    return server;
  }

  /** Starts a private server for {@code version}; the caller closes it. */
  public static GradioTestServer start(String version) {
    return new GradioTestServer(version);
  }

  /** The URL of one test app, e.g. {@code http://127.0.0.1:43121/flux} (no trailing slash). */
  public String url(String app) {
    return baseUrl() + "/" + app;
  }

  /** The URL of the parent app, e.g. {@code http://127.0.0.1:43121}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
  }

  /** The Gradio release this server runs. */
  public String version() {
    return version;
  }

  /** The venv's Python, for cross-checks with the official {@code gradio_client}. */
  public Path python() {
    return python;
  }

  /** The file the server's output goes to. */
  public Path logFile() {
    return logFile;
  }

  /**
   * Releases every {@code /queue} hold job waiting on {@code key} (and any later one with that
   * key). Goes over plain HTTP to the parent app, not through Gradio.
   */
  public void release(String key) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/control/release/" + key))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("release " + key + ": HTTP " + response.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What the {@code /tracked} app did with the job whose prompt is {@code key}, in order: {@code
   * started}, then {@code finished} or {@code cancelled}; empty when it never ran. The app's own
   * record, over plain HTTP to the parent app.
   */
  public List<String> jobLog(String key) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    baseUrl()
                        + "/control/jobs/"
                        + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20")))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      List<String> out = new java.util.ArrayList<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(\\w+)\"").matcher(body);
      while (m.find()) out.add(m.group(1));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * How many HTTP requests and websocket connections the server has received for {@code app} so
   * far, counted server-side (the {@code /control} routes are not counted).
   */
  public long requestCount(String app) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/control/requests"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"" + java.util.regex.Pattern.quote(app) + "\":(\\d+)")
              .matcher(body);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The corpus of Space-shaped apps ({@code gradio-apps/corpus.py}), by shape name, each with
   * {@code "offers"} (the requested parameters it can take: prompt, seed, negative_prompt, steps,
   * size), a {@code "note"} on its UI, and {@code "fails"} when it fails on purpose ({@code
   * "quota"}). Each is served at {@code url("c-" + shape)}.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Map<String, Object>> corpus() {
    return (Map<String, Map<String, Object>>) (Map<?, ?>) getJson("/control/corpus");
  }

  /**
   * What corpus app {@code shape} received in its last call, in common terms: {@code prompt},
   * {@code negative_prompt}, {@code seed} (a number, or {@code "random"} when the Space picked
   * one), {@code steps}, {@code width}, {@code height}, {@code guidance}; empty before any call.
   */
  public Map<String, Object> received(String shape) {
    return getJson("/control/received/" + shape);
  }

  private Map<String, Object> getJson(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      return JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The {@code /paint} app's own job log: {@code "started"} and {@code "finished"}, each a list of
   * {@code "<prompt>|<seed>|<epoch millis>"} in order.
   */
  public Map<String, List<String>> paintLog() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/control/paint"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(
              body,
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, List<String>>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the process tree and removes its temporary files. */
  @Override
  public void close() {
    SHARED.remove(version, this);
    destroy();
  }

  private void destroy() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteTree(workDir);
  }

  private void pump(CompletableFuture<Integer> ready) {
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = out.readLine()) != null) {
        log.write(line);
        log.write('\n');
        log.flush();
        if (!ready.isDone() && line.startsWith(READY)) {
          String rest = line.substring(READY.length());
          int end = rest.indexOf(' ');
          ready.complete(Integer.parseInt(end < 0 ? rest : rest.substring(0, end)));
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    if (!ready.isDone()) {
      ready.completeExceptionally(
          new IllegalStateException(
              "Gradio " + version + " exited before it was ready; see " + logFile));
    }
  }

  private static Path venvHome() {
    String home = System.getProperty("gradio.venv.home");
    if (home == null || home.isBlank()) {
      return Paths.get(System.getProperty("user.home"), ".cache", "imagine-bot", "gradio");
    }
    return Paths.get(home);
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Leftover temp files are harmless; the OS temp cleaner removes them.
      System.err.println("Could not delete " + root + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "Gradio " + version + " at " + baseUrl();
  }
}
