package dev.imaginebot.core.store;

import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.UserRef;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: stores jobs, reports each id once its write has
 * returned, then dies at once without closing anything, as a killed bot would.
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) {
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
    System.out.flush();
    Runtime.getRuntime().halt(3);
  }
}
