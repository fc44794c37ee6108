package dev.imaginebot.gradio.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python's official {@code gradio_client} (installed in each release's venv) through {@code
 * gradio-apps/official_client.py}, for cross-checks and benchmarks. Each call is one Python process
 * that prints one JSON line.
 */
public final class OfficialGradioClient {

  private final GradioTestServer server;

  /** A runner using {@code server}'s venv. */
  public OfficialGradioClient(GradioTestServer server) {
    this.server = server;
  }

  /**
   * {@code client.predict(*args, api_name=apiName)} against {@code app}; returns JSON {@code
   * {"data": [...], "images": [{"width","height","rgb_sha256"}...]}}.
   */
  public String predict(String app, String apiName, String jsonArgs) {
    return run(List.of("predict", server.url(app) + "/", apiName, jsonArgs));
  }

  /**
   * Several predictions in one Python process (it takes seconds to import {@code gradio_client}).
   * {@code jsonCalls} is a JSON list of {@code {"app", "api", "args"}}; returns a JSON list of
   * results shaped as {@link #predict}'s.
   */
  public String predictAll(String jsonCalls) {
    return run(List.of("predict-all", server.baseUrl(), jsonCalls));
  }

  /**
   * One cold and {@code jobs} warm predictions, timed in Python; returns JSON {@code {"cold_ms",
   * "median_ms", "requests_cold", "requests_per_job"}} with server-side request counts.
   */
  public String bench(String app, String apiName, String jsonArgs, int jobs) {
    return run(
        List.of(
            "bench",
            server.url(app) + "/",
            apiName,
            jsonArgs,
            Integer.toString(jobs),
            server.baseUrl()));
  }

  private String run(List<String> args) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("official-client-");
      Path script = dir.resolve("official_client.py");
      try (InputStream in =
          OfficialGradioClient.class.getResourceAsStream("/gradio-apps/official_client.py")) {
        if (in == null) {
          throw new IllegalStateException("gradio-apps/official_client.py is not on the classpath");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> command = new ArrayList<>();
      command.add(server.python().toString());
      command.add(script.toString());
      command.addAll(args);
      Path stderr = dir.resolve("stderr.txt");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectError(stderr.toFile())
              .redirectOutput(dir.resolve("stdout.txt").toFile());
      pb.environment().put("GRADIO_ANALYTICS_ENABLED", "False");
      pb.environment().put("HF_HUB_DISABLE_TELEMETRY", "1");
      pb.environment().put("NO_PROXY", "127.0.0.1,localhost");
      Process process = pb.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("official gradio_client timed out: " + args);
      }
      String out = Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8).trim();
      if (process.exitValue() != 0 || out.isEmpty()) {
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        throw new IllegalStateException(
            "official gradio_client (gradio "
                + server.version()
                + ") failed for "
                + args
                + ":\n"
                + err.substring(Math.max(0, err.length() - 3000)));
      }
      String[] lines = out.split("\n");
      return lines[lines.length - 1];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (dir != null) {
        for (String name : List.of("official_client.py", "stderr.txt", "stdout.txt")) {
          dir.resolve(name).toFile().delete();
        }
        dir.toFile().delete();
      }
    }
  }
}
