package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real crash: a child JVM writes jobs and halts without closing; nothing it reported is lost. */
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void jobsWrittenBeforeAHardKillAreAllThere() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path data = dir.resolve("data");
    Path logback = dir.resolve("logback.xml");
    Files.writeString(
        logback,
        "<configuration><appender name=\"err\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<target>System.err</target><encoder><pattern>%level %logger %msg%n</pattern>"
            + "</encoder></appender><root level=\"WARN\"><appender-ref ref=\"err\"/></root>"
            + "</configuration>");
    Process child =
        new ProcessBuilder(
                java.toString(),
                // A short-lived child: skip the optimizing compiler, start fast.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + logback,
                CrashingWriter.class.getName(),
                data.toString(),
                "20")
            .redirectErrorStream(true)
            .start();
    List<Long> reported = new ArrayList<>();
    StringBuilder output = new StringBuilder();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("STORED ")) {
          reported.add(Long.parseLong(line.substring(7).trim()));
        } else if (line.equals("READY")) {
          // While the child holds the database, a second bot can't open it, and says why.
          assertThatThrownBy(() -> Database.open(null, data))
              .isInstanceOf(StoreException.class)
              .hasMessageContaining("in use by another process");
          child.getOutputStream().write('\n');
          child.getOutputStream().close();
        } else if (output.length() < 20_000) {
          output.append(line).append('\n');
        }
      }
    }
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output.toString()).isEqualTo(3);
    assertThat(reported).as(output.toString()).hasSize(20);

    try (Database db = Database.open(null, data)) {
      List<JobRecord> unfinished = new JobStore(db).unfinished();
      assertThat(unfinished).extracting(JobRecord::id).containsExactlyElementsOf(reported);
      assertThat(unfinished).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.SUBMITTED));
      assertThat(unfinished.get(19).backend()).isEqualTo("space/19");
      assertThat(unfinished.get(19).attempts()).isEqualTo(1);
    }
  }
}
