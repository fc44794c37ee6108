package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.gradio.AppInfo;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.GradioOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inspect}: a Space's endpoints and parameters, and how the bot would call it. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show a Space's endpoints and parameters (like gradio's view_api) and the mapping the bot"
          + " would use for /imagine.",
      "SPACE is owner/name, a URL, or the alias of a configured model."
    })
final class InspectCli implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "SPACE", description = "owner/name, URL or model alias")
  String space;

  @Override
  public Integer call() {
    AppSettings settings = common.load(true);
    CliMessages messages = CliMessages.forLanguage(settings.language());
    String src = resolve(settings.core(), space);
    GradioOptions options = gradioOptions(settings.core().gradio());
    try (GradioClient client =
        GradioClient.connect(
            src,
            options,
            event -> {
              if (event instanceof Event.Waking) {
                Event.Waking w = (Event.Waking) event;
                System.err.println(src + ": " + w.stage() + " " + nullToEmpty(w.message()));
              }
            })) {
      AppInfo app = client.app();
      System.out.println(src + "  (Gradio " + app.version() + ", protocol " + app.protocol() + ")");
      System.out.println(client.api());
    } catch (GradioException e) {
      System.err.println(
          messages.text(
              "cli.error", messages.text("cli.inspectFailed", src, e.failure().message())));
      return Main.EXIT_FAILED;
    }
    System.out.println();
    System.out.println(messages.text("cli.mapping"));
    System.out.println(mapping(settings, space, src, messages));
    return 0;
  }

  /** A configured model's alias stands for its first backend's Space. */
  static String resolve(CoreConfig core, String spaceOrAlias) {
    return core.models().stream()
        .filter(m -> m.alias().equals(spaceOrAlias) && !m.backends().isEmpty())
        .map(m -> m.backends().get(0).space())
        .findFirst()
        .orElse(spaceOrAlias);
  }

  static GradioOptions gradioOptions(CoreConfig.GradioSettings g) {
    return GradioOptions.builder()
        .hubUrl(g.hubUrl())
        .hfToken(g.hfToken())
        .heartbeatTimeout(g.heartbeatTimeout())
        .deadline(g.jobTimeout())
        .wakeTimeout(g.wakeTimeout())
        .build();
  }

  /**
   * Asks the core's own {@code inspect} admin command, on a throw-away in-memory database, so
   * nothing is written to the data directory.
   */
  private static String mapping(
      AppSettings settings, String arg, String src, CliMessages messages) {
    CoreConfig c = settings.core();
    // A Space that is no configured model is inspected as a temporary model, as generate does.
    String alias = arg;
    if (src.equals(arg)) {
      c = GenerateCommand.withSpaceModel(c, src);
      alias = GenerateCommand.SPACE_ALIAS;
    }
    String admin = ConsoleFrontEnd.adminKey("inspect");
    Path scratch;
    try {
      scratch = Files.createTempDirectory("imagine-bot-inspect");
    } catch (IOException e) {
      return messages.text("cli.mappingUnavailable", e.getMessage());
    }
    CoreConfig core =
        c.withDataDir(scratch)
            .withJdbcUrl("jdbc:h2:mem:inspect-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
            .withAdmins(Set.of(admin));
    try (Bot bot = Bot.start(core)) {
      UserRef user =
          new UserRef(ConsoleFrontEnd.PLATFORM, "inspect", "inspect", c.defaultLanguage());
      CommandContext ctx =
          new CommandContext(
              user, new ChatRef(ConsoleFrontEnd.PLATFORM, "inspect", false), true, null, e -> {});
      Reply reply = bot.handle(ctx, "inspect", alias);
      // A CLI run has nothing else to do: wait for the Space to be read.
      if (reply.kind() == Reply.Kind.PENDING) reply = reply.later().toCompletableFuture().join();
      if (reply.kind() == Reply.Kind.ERROR) {
        return messages.text("cli.mappingUnavailable", reply.text());
      }
      return reply.text();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(InspectCli.class).debug("Mapping unavailable", e);
      return messages.text("cli.mappingUnavailable", RunCommand.reason(e));
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
