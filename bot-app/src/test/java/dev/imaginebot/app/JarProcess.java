package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The built jar run as a user would ({@code java -jar imagine-bot.jar ...}), its output read line
 * by line with timeouts. English messages, no tokens from the test's own environment.
 */
final class JarProcess implements AutoCloseable {
  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
  private final List<String> allOut = new CopyOnWriteArrayList<>();
  private final List<String> allErr = new CopyOnWriteArrayList<>();
  private final Writer stdin;
  private final java.util.concurrent.CountDownLatch closed =
      new java.util.concurrent.CountDownLatch(2);

  private JarProcess(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream(), stdout, allOut, "stdout");
    pump(process.getErrorStream(), stderr, allErr, "stderr");
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("imagine.jar", "target/imagine-bot.jar"));
    assertThat(jar).as("the shaded jar (run `package` first)").isRegularFile();
    return jar;
  }

  static JarProcess start(Path workDir, Map<String, String> env, String... args) {
    return startIn("en", workDir, env, args);
  }

  static JarProcess startIn(
      String language, Path workDir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Quick start-up for short-lived CLI runs on a busy machine.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Duser.language=" + language);
    command.add("-Duser.country=" + (language.equals("zh") ? "CN" : "US"));
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().remove("DISCORD_TOKEN");
    pb.environment().remove("TELEGRAM_TOKEN");
    pb.environment().remove("HF_TOKEN");
    pb.environment().putAll(env);
    try {
      Files.createDirectories(workDir);
      return new JarProcess(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump(InputStream in, BlockingQueue<String> queue, List<String> all, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  all.add(line);
                  queue.add(line);
                }
              } catch (IOException e) {
                all.add("(" + name + " closed: " + e + ")");
              } finally {
                queue.add(EOF);
                closed.countDown();
              }
            },
            "jar-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Sends a line to stdin. */
  void type(String line) {
    try {
      stdin.write(line + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first stdout line (from now on) matching, or fails after the timeout. */
  String awaitOut(Predicate<String> match, Duration timeout) throws InterruptedException {
    return await(stdout, match, timeout, "stdout");
  }

  String awaitErr(Predicate<String> match, Duration timeout) throws InterruptedException {
    return await(stderr, match, timeout, "stderr");
  }

  private String await(
      BlockingQueue<String> queue, Predicate<String> match, Duration timeout, String name)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null || line.equals(EOF)) {
        throw new AssertionError(
            "no matching line on "
                + name
                + (line == null ? " within " + timeout : " before it closed")
                + "\nstdout: "
                + allOut
                + "\nstderr: "
                + allErr);
      }
      if (match.test(line)) return line;
    }
  }

  /** Waits for the exit status. */
  int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "still running after " + timeout + "\nstdout: " + allOut + "\nstderr: " + allErr);
    }
    return process.exitValue();
  }

  /** Every stdout line (call after {@link #exitCode}: waits for the stream to close). */
  List<String> out() throws InterruptedException {
    closed.await(10, TimeUnit.SECONDS);
    return List.copyOf(allOut);
  }

  /** Every stderr line (call after {@link #exitCode}: waits for the stream to close). */
  List<String> err() throws InterruptedException {
    closed.await(10, TimeUnit.SECONDS);
    return List.copyOf(allErr);
  }

  /** Asks the process to stop, as {@code kill} (SIGTERM) or a container stop does. */
  void terminate() {
    // Process.destroy() would also close our ends of its pipes; the handle only signals.
    process.toHandle().destroy();
  }

  String transcript() {
    return "stdout: " + allOut + "\nstderr: " + allErr;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
