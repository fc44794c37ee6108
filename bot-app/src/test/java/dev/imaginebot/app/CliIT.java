package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's start-up paths that need no Space: help, version, guidance, config errors. */
class CliIT {
  private static final Duration EXIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void versionPrintsTheBuildVersion() throws Exception {
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "--version")) {
      assertThat(jar.exitCode(EXIT)).isZero();
      assertThat(jar.out()).anySatisfy(l -> assertThat(l).startsWith("imagine-bot 0."));
    }
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String command : List.of("run", "console", "inspect", "generate")) {
      try (JarProcess jar = JarProcess.start(dir, Map.of(), command, "--help")) {
        assertThat(jar.exitCode(EXIT)).as(command).isZero();
        assertThat(String.join("\n", jar.out())).contains("Usage: imagine-bot " + command);
      }
    }
  }

  @Test
  void startWithoutAnyTokenPrintsGuidanceAndExitsZero() throws Exception {
    try (JarProcess jar = JarProcess.start(dir, Map.of())) {
      jar.closeStdin();
      assertThat(jar.exitCode(EXIT)).isZero();
      String out = String.join("\n", jar.out());
      assertThat(out)
          .contains("export DISCORD_TOKEN=")
          .contains("export TELEGRAM_TOKEN=")
          .contains("HF_TOKEN")
          .contains("imagine-bot.jar console");
      assertThat(jar.err()).noneSatisfy(l -> assertThat(l).contains("Exception"));
    }
  }

  @Test
  void unknownConfigKeyStopsWithOneLineNamingIt() throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "limits:\n  per-user-runing: 2\n");
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "run")) {
      assertThat(jar.exitCode(EXIT)).isEqualTo(2);
      List<String> err = jar.err();
      assertThat(err).hasSize(1);
      assertThat(err.get(0))
          .startsWith("imagine-bot: ")
          .contains("config.yml line 2")
          .contains("'limits.per-user-runing'")
          .contains("per-user-running");
    }
  }

  @Test
  void badValueStopsWithOneLineNamingKeyAndExpectation() throws Exception {
    Path config = dir.resolve("bad.yml");
    Files.writeString(config, "timeouts:\n  job: soon\n");
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "--config", config.toString())) {
      assertThat(jar.exitCode(EXIT)).isEqualTo(2);
      List<String> err = jar.err();
      assertThat(err).hasSize(1);
      assertThat(err.get(0)).contains("'timeouts.job'").contains("'soon'").contains("30s");
    }
  }

  @Test
  void enabledFrontEndWithoutTokenNamesTheVariable() throws Exception {
    Files.writeString(dir.resolve("config.yml"), "telegram:\n  enabled: true\n");
    try (JarProcess jar = JarProcess.start(dir, Map.of())) {
      assertThat(jar.exitCode(EXIT)).isEqualTo(2);
      List<String> err = jar.err();
      assertThat(err).hasSize(1);
      assertThat(err.get(0)).contains("TELEGRAM_TOKEN").contains("telegram.enabled: false");
    }
  }

  @Test
  void literalTokenInConfigIsRefused() throws Exception {
    Files.writeString(dir.resolve("config.yml"), "discord:\n  token: abcdefghijklmnop\n");
    try (JarProcess jar = JarProcess.start(dir, Map.of())) {
      assertThat(jar.exitCode(EXIT)).isEqualTo(2);
      List<String> err = jar.err();
      assertThat(err).hasSize(1);
      assertThat(err.get(0)).contains("discord.token").contains("${DISCORD_TOKEN}");
      assertThat(err.get(0)).doesNotContain("abcdefghijklmnop");
    }
  }

  @Test
  void missingConfigFileIsOneLine() throws Exception {
    try (JarProcess jar = JarProcess.start(dir, Map.of(), "run", "--config", "nope.yml")) {
      assertThat(jar.exitCode(EXIT)).isEqualTo(2);
      assertThat(jar.err()).singleElement().asString().contains("nope.yml").contains("not found");
    }
  }

  @Test
  void messagesFollowAChineseLocale() throws Exception {
    Files.writeString(dir.resolve("config.yml"), "limits:\n  per-user-runing: 2\n");
    try (JarProcess jar = JarProcess.startIn("zh", dir, Map.of(), "run")) {
      assertThat(jar.exitCode(EXIT)).isEqualTo(2);
      assertThat(jar.err()).singleElement().asString().contains("未知的键");
    }
  }
}
