package dev.imaginebot.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code imagine-bot} command line. Without a subcommand it runs the bot ({@code run}).
 *
 * <p>Exit status: 0 success, 1 a job or a connection failed, 2 bad usage or bad configuration.
 */
@Command(
    name = "imagine-bot",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A chat bot that turns Hugging Face Spaces into an image service.",
    subcommands = {
      RunCommand.class,
      ConsoleCommand.class,
      InspectCli.class,
      GenerateCommand.class,
      HealthcheckCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_CONFIG = 2;

  @Mixin CommonOptions common;
  @Mixin RunCommand.RunOptions runOptions;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    System.setOut(out);
    System.setErr(err);
    int status = commandLine().execute(args);
    System.exit(status);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(System.out, true));
    cli.setErr(new PrintWriter(System.err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException) {
            CliMessages messages = CliMessages.forLanguage(CommonOptions.systemLanguage());
            System.err.println(messages.text("cli.error", ((ConfigException) e).render(messages)));
            return EXIT_CONFIG;
          }
          org.slf4j.LoggerFactory.getLogger(Main.class).debug("Unexpected failure", e);
          System.err.println("imagine-bot: " + Redactor.redact(String.valueOf(e)));
          return EXIT_FAILED;
        });
    return cli;
  }

  @Override
  public Integer call() throws Exception {
    return RunCommand.run(common, runOptions);
  }

  /** The version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) p.load(in);
      }
      return new String[] {
        "imagine-bot " + p.getProperty("version", "unknown"),
        "Java " + System.getProperty("java.version")
      };
    }
  }
}
