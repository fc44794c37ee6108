package dev.imaginebot.app;

import dev.imaginebot.core.CoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options every command takes, and loading the settings they point at. */
final class CommonOptions {
  static final Path DEFAULT_CONFIG = Path.of("config.yml");

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML config file (default: ./config.yml if it exists, else built-in defaults)")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "where the database and images live (overrides data-dir)")
  Path dataDir;

  @Option(
      names = "--hub-url",
      paramLabel = "URL",
      hidden = true,
      description = "Hugging Face Hub base URL (tests)")
  String hubUrl;

  @Option(names = "--log-json", description = "log as JSON lines (overrides logging.json)")
  boolean logJson;

  /** The language for messages before any config is read: the system locale's. */
  static String systemLanguage() {
    return Locale.getDefault().getLanguage().startsWith("zh") ? "zh-CN" : "en";
  }

  /**
   * Loads the settings: the given file, else ./config.yml when present, else the built-in defaults;
   * then applies the command-line overrides and configures logging.
   *
   * @param quietLogs log only warnings and errors unless the config asks for DEBUG or TRACE (for
   *     commands whose output is meant for a person or a script)
   */
  AppSettings load(boolean quietLogs) {
    ConfigLoader loader = new ConfigLoader(System::getenv, systemLanguage());
    AppSettings settings;
    if (config != null) {
      settings = loader.load(config);
    } else if (Files.isRegularFile(DEFAULT_CONFIG)) {
      settings = loader.load(DEFAULT_CONFIG);
    } else {
      settings = loader.loadDefaults();
    }
    CoreConfig c = settings.core();
    if (dataDir != null || hubUrl != null) {
      CoreConfig.GradioSettings g = c.gradio();
      CoreConfig.GradioSettings gradio =
          hubUrl == null
              ? g
              : new CoreConfig.GradioSettings(
                  g.hfToken(),
                  hubUrl,
                  g.jobTimeout(),
                  g.heartbeatTimeout(),
                  g.wakeTimeout(),
                  g.driftCheckInterval(),
                  g.allowedHosts());
      settings =
          settings.withCore(
              c.withDataDir(dataDir == null ? c.dataDir() : dataDir).withGradio(gradio));
    }
    String level = settings.logLevel();
    if (quietLogs && !level.equals("DEBUG") && !level.equals("TRACE")) level = "WARN";
    Logging.configure(logJson || settings.logJson(), level);
    return settings;
  }
}
