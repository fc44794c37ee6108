package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code console}: the bot in the terminal, for trying it without any chat platform. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Use the bot in this terminal: type /imagine <prompt> (or just a prompt), /models,"
          + " /history, /cancel, /settings, /help, admin commands, /quit.",
      "Images are saved to --out and their paths printed."
    })
final class ConsoleCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "where images are saved (default: ./images)")
  Path out = defaultOut();

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "your user name in the bot (default: the system user)")
  String user;

  static Path defaultOut() {
    return Path.of("images");
  }

  @Override
  public Integer call() throws Exception {
    AppSettings settings = common.load(true);
    return run(settings, CliMessages.forLanguage(settings.language()), out, user);
  }

  static int run(AppSettings settings, CliMessages messages, Path out, String userName)
      throws Exception {
    String name = userName == null ? systemUser() : userName;
    CoreConfig c = settings.core();
    // The person at the terminal runs the bot, so they are its admin.
    Set<String> admins = new HashSet<>(c.admins());
    admins.add(ConsoleFrontEnd.adminKey(name));
    CoreConfig core = c.withAdmins(admins);
    Bot bot;
    try {
      bot = new MeteredBot(Bot.start(core), new Metrics(settings.instanceId()));
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(ConsoleCommand.class).debug("Core failed to start", e);
      System.err.println(
          messages.text("cli.error", messages.text("cli.startFailed", RunCommand.reason(e))));
      return Main.EXIT_FAILED;
    }
    try (bot) {
      boolean interactive = System.console() != null;
      Terminal terminal = new Terminal(System.out, interactive);
      JobPrinter printer = new JobPrinter(terminal, terminal::println, out, true);
      ConsoleFrontEnd console =
          new ConsoleFrontEnd(
              bot,
              new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
              terminal,
              messages,
              printer,
              name,
              settings.language(),
              c.gradio().jobTimeout().plus(c.gradio().wakeTimeout()));
      bot.register(console);
      terminal.println(messages.text("console.welcome", out.toAbsolutePath()));
      return console.run();
    }
  }

  static String systemUser() {
    String name = System.getProperty("user.name", "you").strip().replaceAll("\\s+", "_");
    return name.isEmpty() ? "you" : name;
  }
}
