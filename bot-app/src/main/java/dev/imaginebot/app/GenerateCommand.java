package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code generate}: one job from the shell; progress on stderr, image paths on stdout. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate images for one prompt: progress on stderr, the saved files' paths on stdout.",
      "Midjourney-style flags work inside a quoted prompt: \"a red fox --ar 16:9 --seed 42\".",
      "Exit status 0 on success, 1 when the job fails, 2 on bad usage or config."
    })
final class GenerateCommand implements Callable<Integer> {
  static final String SPACE_ALIAS = "space";

  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "what to draw")
  List<String> prompt;

  @ArgGroup(exclusive = true)
  Target target;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "where images are saved (default: ./images)")
  Path out = ConsoleCommand.defaultOut();

  /** Either a configured model or an ad-hoc Space. */
  static final class Target {
    @Option(
        names = {"-m", "--model"},
        paramLabel = "MODEL",
        description = "a model alias (default: the configured default model)")
    String model;

    @Option(
        names = {"-s", "--space"},
        paramLabel = "SPACE",
        description = "any Space (owner/name or URL), onboarded on the fly")
    String space;
  }

  @Override
  public Integer call() throws InterruptedException {
    AppSettings settings = common.load(true);
    CliMessages messages = CliMessages.forLanguage(settings.language());
    CoreConfig core = settings.core();
    String model = target == null ? null : target.model;
    if (target != null && target.space != null) {
      core = withSpaceModel(core, target.space);
      model = SPACE_ALIAS;
    }
    Bot bot;
    try {
      bot = Bot.start(core);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(GenerateCommand.class).debug("Core failed to start", e);
      return fail(messages, messages.text("cli.startFailed", RunCommand.reason(e)));
    }
    try (bot) {
      if (model != null && !bot.modelAliases("").contains(model)) {
        return fail(
            messages,
            messages.text("cli.unknownModel", model, String.join(", ", bot.modelAliases(""))));
      }
      boolean interactive = System.console() != null;
      Terminal progress = new Terminal(System.err, interactive);
      JobPrinter printer = new JobPrinter(progress, System.out::println, out, false);
      JobPrinter.View view = printer.newView();
      String user = ConsoleCommand.systemUser();
      CommandContext ctx =
          new CommandContext(
              new UserRef(ConsoleFrontEnd.PLATFORM, user, user, settings.language()),
              new ChatRef(ConsoleFrontEnd.PLATFORM, user, false),
              false,
              null,
              view);
      String args = String.join(" ", prompt) + (model == null ? "" : " --model " + model);
      Reply reply = bot.handle(ctx, "imagine", args);
      if (reply.kind() != Reply.Kind.JOB_STARTED) {
        return fail(messages, firstLine(reply.text()));
      }
      printer.started(view);
      if (!printer.awaitIdle(deadline(core).toMillis(), TimeUnit.MILLISECONDS)) {
        return fail(messages, messages.text("cli.jobFailed", "timeout"));
      }
      List<JobEvent> finished = printer.finished();
      JobEvent last = finished.get(finished.size() - 1);
      if (last instanceof JobEvent.Completed) {
        if (((JobEvent.Completed) last).images().isEmpty()) {
          return fail(messages, messages.text("cli.noImages"));
        }
        return 0;
      }
      return fail(
          messages,
          messages.text("cli.jobFailed", firstLine(bot.describe(last, settings.language()))));
    }
  }

  /** The config's models plus one for the given Space, discovered from its API. */
  static CoreConfig withSpaceModel(CoreConfig c, String space) {
    List<CoreConfig.ModelConfig> models = new ArrayList<>();
    models.add(
        new CoreConfig.ModelConfig(
            SPACE_ALIAS, space, List.of(CoreConfig.BackendConfig.discover(space))));
    c.models().stream().filter(m -> !m.alias().equals(SPACE_ALIAS)).forEach(models::add);
    return c.withModels(models);
  }

  /** Long enough for every backend to wake and time out once, then a margin. */
  private static Duration deadline(CoreConfig core) {
    int backends = core.models().stream().mapToInt(m -> m.backends().size()).max().orElse(1);
    CoreConfig.GradioSettings g = core.gradio();
    return g.wakeTimeout().plus(g.jobTimeout()).multipliedBy(backends).plusSeconds(30);
  }

  private static int fail(CliMessages messages, String text) {
    System.err.println(messages.text("cli.error", text));
    return Main.EXIT_FAILED;
  }

  private static String firstLine(String text) {
    String t = text == null ? "" : text.strip();
    int newline = t.indexOf('\n');
    return newline < 0 ? t : t.substring(0, newline);
  }
}
