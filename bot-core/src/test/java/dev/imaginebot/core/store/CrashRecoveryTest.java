package dev.imaginebot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                dir.toString(),
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
          assertThatThrownBy(() -> Database.open(null, dir))
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

    try (Database db = Database.open(null, dir)) {
      List<JobRecord> unfinished = new JobStore(db).unfinished();
      assertThat(unfinished).extracting(JobRecord::id).containsExactlyElementsOf(reported);
      assertThat(unfinished).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.SUBMITTED));
      assertThat(unfinished.get(19).backend()).isEqualTo("space/19");
      assertThat(unfinished.get(19).attempts()).isEqualTo(1);
    }
  }
}
