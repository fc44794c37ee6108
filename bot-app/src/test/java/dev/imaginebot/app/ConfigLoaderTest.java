package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.telegram.TelegramConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final Map<String, String> env = new HashMap<>();
  private final ConfigLoader loader = new ConfigLoader(env::get, "en");
  private final CliMessages en = CliMessages.forLanguage("en");

  @TempDir Path dir;

  private String error(String yaml) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    String text = ((ConfigException) thrown).render(en);
    assertThat(text).doesNotContain("\n");
    return text;
  }

  private AppSettings load(String yaml) {
    return loader.loadString(yaml, "config.yml");
  }

  @Test
  void builtInDefaultsNeedNoTokenAndKnowTheSeedSpaces() {
    AppSettings s = loader.loadDefaults();
    assertThat(s.discord()).isNull();
    assertThat(s.telegram()).isNull();
    assertThat(s.anyFrontEnd()).isFalse();
    CoreConfig core = s.core();
    assertThat(core.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(core.jdbcUrl()).isNull();
    assertThat(core.defaultModel()).isEqualTo("flux");
    assertThat(core.models())
        .extracting(m -> m.alias() + "=" + m.backends().get(0).space())
        .contains("flux=black-forest-labs/FLUX.1-schnell", "mj=mukaist/Midjourney");
    assertThat(core.gradio().hfToken()).isNull();
    assertThat(core.gradio().hubUrl()).isEqualTo("https://huggingface.co");
    assertThat(core.limits()).isEqualTo(new CoreConfig.Limits(1, 5, 8, 1000, 25L * 1024 * 1024));
    assertThat(core.progressInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.httpPort()).isZero();
  }

  @Test
  void tokensInTheEnvironmentEnableTheirFrontEnds() {
    env.put("DISCORD_TOKEN", "discord-secret-value");
    env.put("HF_TOKEN", "hf_abcdefghijklmnopqrstuvwxyz");
    AppSettings s = loader.loadDefaults();
    assertThat(s.discord().token()).isEqualTo("discord-secret-value");
    assertThat(s.telegram()).isNull();
    assertThat(s.core().gradio().hfToken()).isEqualTo("hf_abcdefghijklmnopqrstuvwxyz");
    assertThat(s.toString()).doesNotContain("discord-secret-value").doesNotContain("hf_abc");
  }

  @Test
  void aDisabledFrontEndStaysOffEvenWithAToken() {
    env.put("TELEGRAM_TOKEN", "123456:telegram-secret");
    assertThat(load("telegram:\n  enabled: false\n").telegram()).isNull();
  }

  @Test
  void customVariableNamesAndSecretFilesResolve() throws Exception {
    Path secret = dir.resolve("tg.secret");
    Files.writeString(secret, "  123456:from-a-file\n");
    env.put("MY_DISCORD", "from-env");
    AppSettings s =
        load(
            "discord:\n  token: ${MY_DISCORD}\n  guild-id: \"42\"\n"
                + "telegram:\n  token: file:"
                + secret
                + "\n");
    assertThat(s.discord().token()).isEqualTo("from-env");
    assertThat(s.discord().guildId()).isEqualTo("42");
    assertThat(s.telegram().token()).isEqualTo("123456:from-a-file");
  }

  @Test
  void aTelegramWebhookIsReadWithItsSecretFromTheEnvironment() {
    env.put("TELEGRAM_TOKEN", "123456:telegram-secret");
    env.put("HOOK_SECRET", "s3cret_hook-value");
    AppSettings s =
        load(
            "telegram:\n  webhook:\n    url: https://bot.example.com/tg/updates\n"
                + "    port: 8443\n    secret: ${HOOK_SECRET}\n");
    TelegramConfig.Webhook hook = s.telegram().webhook();
    assertThat(hook.publicUrl()).isEqualTo("https://bot.example.com/tg/updates");
    assertThat(hook.path()).isEqualTo("/tg/updates");
    assertThat(hook.bindHost()).isEqualTo("0.0.0.0");
    assertThat(hook.bindPort()).isEqualTo(8443);
    assertThat(hook.secretToken()).isEqualTo("s3cret_hook-value");
    assertThat(s.toString()).doesNotContain("s3cret_hook-value");
    assertThat(TelegramConfig.of("1:x").withWebhook(hook).mode())
        .isEqualTo(TelegramConfig.Mode.WEBHOOK);
  }

  @Test
  void anEmptyWebhookUrlMeansLongPolling() {
    env.put("TELEGRAM_TOKEN", "123456:telegram-secret");
    assertThat(load("telegram:\n  token: ${TELEGRAM_TOKEN}\n").telegram().webhook()).isNull();
    assertThat(
            load("telegram:\n  webhook:\n    url:\n    port: 8443\n    secret: ${UNSET}\n")
                .telegram()
                .webhook())
        .isNull();
  }

  @Test
  void aBadTelegramWebhookNamesTheKeyWithoutEchoingTheSecret() {
    env.put("TELEGRAM_TOKEN", "123456:telegram-secret");
    env.put("HOOK_SECRET", "bad secret!");
    assertThat(error("telegram:\n  webhook:\n    url: http://bot.example.com/tg\n"))
        .contains("'telegram.webhook.url'");
    assertThat(error("telegram:\n  webhook:\n    url: https://bot.example.com/tg\n"))
        .contains("'telegram.webhook.port'");
    assertThat(
            error(
                "telegram:\n  webhook:\n    url: https://bot.example.com/tg\n"
                    + "    port: 70000\n    secret: ${HOOK_SECRET}\n"))
        .contains("'telegram.webhook.port'");
    assertThat(
            error(
                "telegram:\n  webhook:\n    url: https://bot.example.com/tg\n"
                    + "    port: 8443\n    secret: ${NOT_SET}\n"))
        .contains("'telegram.webhook.secret'");
    assertThat(
            error(
                "telegram:\n  webhook:\n    url: https://bot.example.com/tg\n"
                    + "    port: 8443\n    secret: literal-secret\n"))
        .contains("'telegram.webhook.secret'")
        .contains("${TELEGRAM_WEBHOOK_SECRET}")
        .doesNotContain("literal-secret");
    assertThat(
            error(
                "telegram:\n  webhook:\n    url: https://bot.example.com/tg\n"
                    + "    port: 8443\n    secret: ${HOOK_SECRET}\n"))
        .contains("'telegram.webhook.secret'")
        .doesNotContain("bad secret!");
  }

  @Test
  void anEnabledFrontEndWithoutTokenNamesTheVariableAndTheFix() {
    assertThat(error("discord:\n  enabled: true\n  token: ${BOT_TOKEN}\n"))
        .contains("discord is enabled")
        .contains("BOT_TOKEN")
        .contains("discord.enabled: false");
  }

  @Test
  void aLiteralTokenIsRefusedWithoutEchoingIt() {
    assertThat(error("telegram:\n  token: 123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"))
        .contains("'telegram.token'")
        .contains("${TELEGRAM_TOKEN}")
        .doesNotContain("AAAA");
  }

  @Test
  void aMissingSecretFileNamesKeyAndPath() {
    assertThat(error("hugging-face:\n  token: file:/no/such/secret\n"))
        .contains("'hugging-face.token'")
        .contains("/no/such/secret");
  }

  @Test
  void anUnknownKeyNamesItsPathLineAndTheKnownKeys() {
    assertThat(error("limits:\n  global-running: 4\n  per-user-runing: 2\n"))
        .contains("config.yml line 3")
        .contains("'limits.per-user-runing'")
        .contains("per-user-running");
  }

  @Test
  void anUnknownKeyInsideAModelNamesItsIndex() {
    assertThat(error("models:\n  - alias: a\n    spcae: x/y\n"))
        .contains("'models[0].spcae'")
        .contains("space");
  }

  @Test
  void aBadNumberNamesKeyValueAndExpectation() {
    assertThat(error("limits:\n  global-running: lots\n"))
        .contains("'limits.global-running'")
        .contains("'lots'")
        .contains("whole number");
  }

  @Test
  void aBadDurationSaysHowToWriteOne() {
    assertThat(error("timeouts:\n  job: soon\n")).contains("'timeouts.job'").contains("30s");
  }

  @Test
  void zeroIsNotALimit() {
    assertThat(error("limits:\n  per-user-waiting: 0\n"))
        .contains("'limits.per-user-waiting'")
        .contains("greater than zero");
  }

  @Test
  void brokenYamlNamesTheLine() {
    assertThat(error("limits:\n  global-running: 4\n bad-indent: [\n")).contains("line");
  }

  @Test
  void unitsAreUnderstood() {
    AppSettings s =
        load(
            "limits:\n  max-image-bytes: 10MB\nprogress-interval: 500ms\n"
                + "timeouts:\n  job: 2m\n  heartbeat: PT45S\n  shutdown: 1h\n");
    assertThat(s.core().limits().maxImageBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(s.core().progressInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.core().gradio().jobTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.core().gradio().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void modelsMapToTheCoreWithBackendsFixedValuesAndRenames() {
    AppSettings s =
        load(
            "default-model: sdxl\n"
                + "limits:\n  per-backend: 3\n"
                + "models:\n"
                + "  - alias: sdxl\n"
                + "    name: SDXL\n"
                + "    backends:\n"
                + "      - space: owner/sdxl\n"
                + "        endpoint: generate\n"
                + "        fixed: {scheduler: Euler}\n"
                + "        renames: {steps: n_steps}\n"
                + "      - space: https://mirror.example/sdxl\n"
                + "        concurrency: 1\n"
                + "  - alias: quick\n"
                + "    space: owner/quick\n");
    CoreConfig core = s.core();
    assertThat(core.defaultModel()).isEqualTo("sdxl");
    CoreConfig.ModelConfig sdxl = core.models().get(0);
    assertThat(sdxl.displayName()).isEqualTo("SDXL");
    assertThat(sdxl.backends())
        .containsExactly(
            new CoreConfig.BackendConfig(
                "owner/sdxl",
                "/generate",
                Map.of("scheduler", "Euler"),
                Map.of("steps", "n_steps"),
                3),
            new CoreConfig.BackendConfig(
                "https://mirror.example/sdxl", null, Map.of(), Map.of(), 1));
    assertThat(core.models().get(1).displayName()).isEqualTo("quick");
  }

  @Test
  void theDefaultModelMustBeListed() {
    assertThat(error("default-model: nope\n"))
        .contains("'default-model'")
        .contains("nope")
        .contains("flux");
  }

  @Test
  void aliasesAreUniqueAndLowerCase() {
    assertThat(error("models:\n  - alias: a\n    space: x/a\n  - alias: a\n    space: x/b\n"))
        .contains("'a'")
        .contains("twice");
    assertThat(error("models:\n  - alias: Big Model\n    space: x/a\n"))
        .contains("models[0].alias");
  }

  @Test
  void adminsAndLanguageAreChecked() {
    AppSettings s = load("admins: [discord:123, telegram:42]\nlanguage: zh\n");
    assertThat(s.core().admins()).containsExactlyInAnyOrder("discord:123", "telegram:42");
    assertThat(s.language()).isEqualTo("zh-CN");
    assertThat(s.core().defaultLanguage()).isEqualTo("zh-CN");
    assertThat(error("admins: [bob]\n")).contains("'bob'").contains("discord:<user id>");
    assertThat(error("language: fr\n")).contains("'language'").contains("zh-CN");
  }

  @Test
  void spacesAllowListsHostsTheBotMayReachAndNamesABadEntry() {
    AppSettings s = load("spaces:\n  allow:\n    - http://10.0.0.5:7860\n    - gradio.lan\n");
    assertThat(s.core().gradio().allowedHosts())
        .containsExactly("http://10.0.0.5:7860", "gradio.lan");
    assertThat(loader.loadDefaults().core().gradio().allowedHosts()).isEmpty();
    assertThat(error("spaces:\n  allow:\n    - http://user:pw@10.0.0.5/\n"))
        .contains("spaces.allow[0]")
        .contains("host:port");
  }

  @Test
  void theLanguageDefaultsToTheSystemLocale() {
    assertThat(new ConfigLoader(env::get, "zh-CN").loadDefaults().language()).isEqualTo("zh-CN");
  }

  @Test
  void theDocumentedExampleLoads() {
    env.put("DISCORD_TOKEN", "discord-token-value");
    env.put("TELEGRAM_TOKEN", "12345:telegram-token-value");
    AppSettings s = loader.load(Path.of("..", "config.example.yml"));
    assertThat(s.discord()).isNotNull();
    assertThat(s.telegram()).isNotNull();
    assertThat(s.core().models()).extracting(CoreConfig.ModelConfig::alias).contains("flux", "mj");
  }

  @Test
  void aMissingFileIsOneLine() {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yml")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.render(en)).contains("absent.yml").contains("not found"));
  }

  @Test
  void chineseMessagesExistForEveryEnglishOne() throws Exception {
    java.util.Properties english = new java.util.Properties();
    java.util.Properties chinese = new java.util.Properties();
    try (var in = CliMessages.class.getResourceAsStream("messages.properties");
        var zh = CliMessages.class.getResourceAsStream("messages_zh_CN.properties")) {
      english.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
      chinese.load(new java.io.InputStreamReader(zh, java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(chinese.keySet()).isEqualTo(english.keySet());
    assertThat(CliMessages.forLanguage("zh-CN").text("config.missing", "data-dir"))
        .isEqualTo("必须设置“data-dir”；参见 config.example.yml");
  }

  @Test
  void postgresCredentialsComeFromTheEnvironmentAndAFileAndAreHiddenInLogs() throws Exception {
    Path secret = dir.resolve("db-password");
    Files.writeString(secret, "p&ss w0rd\n");
    env.put("DB_USER", "imagine");
    AppSettings s =
        load(
            "jdbc-url: jdbc:postgresql://db:5432/imagine?ssl=false\n"
                + "jdbc-user: ${DB_USER}\n"
                + "jdbc-password: file:"
                + secret
                + "\n");
    assertThat(s.core().jdbcUrl())
        .isEqualTo("jdbc:postgresql://db:5432/imagine?ssl=false&user=imagine&password=p%26ss+w0rd");
    assertThat(Redactor.redact("url " + s.core().jdbcUrl())).doesNotContain("p%26ss+w0rd");
  }

  @Test
  void theWholeDatabaseUrlMayComeFromTheEnvironment() {
    env.put("IMAGINE_JDBC_URL", "jdbc:postgresql://db/imagine?user=u&password=hidden-pw");
    assertThat(load("jdbc-url: ${IMAGINE_JDBC_URL}\n").core().jdbcUrl())
        .isEqualTo("jdbc:postgresql://db/imagine?user=u&password=hidden-pw");
  }

  @Test
  void anUnsetDatabaseUrlVariableIsASentenceNotTheEmbeddedDatabase() {
    assertThat(error("jdbc-url: ${NOT_SET_DB_URL}\n"))
        .contains("NOT_SET_DB_URL")
        .contains("jdbc-url");
  }

  @Test
  void aLiteralDatabasePasswordIsRefused() {
    assertThat(
            error(
                "jdbc-url: jdbc:postgresql://db/imagine\njdbc-user: imagine\n"
                    + "jdbc-password: hunter2\n"))
        .contains("jdbc-password")
        .doesNotContain("hunter2");
  }

  @Test
  void databaseCredentialsNeedAPostgresUrl() {
    env.put("DB_PASSWORD", "pw");
    assertThat(error("jdbc-password: ${DB_PASSWORD}\n")).contains("jdbc-url");
    assertThat(error("jdbc-url: jdbc:h2:/tmp/x\njdbc-password: ${DB_PASSWORD}\n"))
        .contains("jdbc:postgresql:");
  }
}
