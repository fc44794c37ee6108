package dev.imaginebot.core.store;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: stores jobs, reports each id once its write has
 * returned, says READY, waits for a line on stdin (the database stays open meanwhile), then dies at
 * once without closing anything, as a killed bot would.
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) throws java.io.IOException {
    Path dataDir = Path.of(args[0]);
    int jobs = Integer.parseInt(args[1]);
    Database db = Database.open(null, dataDir);
    JobStore store = new JobStore(db);
    UserRef user = new UserRef("discord", "1", "crash", "en");
    ChatRef chat = new ChatRef("discord", "2", true);
    for (int i = 0; i < jobs; i++) {
      long id = store.create(user, chat, "ref-" + i, GenerationRequest.of("p" + i), "flux").id();
      store.markSubmitted(id, "space/" + i);
      System.out.println("STORED " + id);
    }
    System.out.println("READY");
    System.out.flush();
    new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
        .readLine();
    Runtime.getRuntime().halt(3);
  }
}
