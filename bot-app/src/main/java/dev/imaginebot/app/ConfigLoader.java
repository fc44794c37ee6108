package dev.imaginebot.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.discord.DiscordConfig;
import dev.imaginebot.gradio.HostPolicy;
import dev.imaginebot.telegram.TelegramConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the YAML config (or the built-in {@code default-config.yml}), merges it over the built-in
 * defaults, resolves secret references and validates everything. Every problem becomes a {@link
 * ConfigException} whose text names the key and the fix.
 *
 * <p>Secrets are never written in the file: a token is {@code ${ENV_VAR}} (read from the
 * environment) or {@code file:/path} (the trimmed content of a file, as with Docker secrets).
 */
final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "/dev/imaginebot/app/default-config.yml";

  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern WEBHOOK_SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final Pattern ADMIN = Pattern.compile("(discord|telegram|console):\\S+");
  private static final Set<String> LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private final Function<String, String> env;
  private final String defaultLanguage;
  private final ObjectMapper mapper;

  /**
   * @param env looks up environment variables ({@code System::getenv} in production)
   * @param defaultLanguage the language when the config names none (from the system locale)
   */
  ConfigLoader(Function<String, String> env, String defaultLanguage) {
    this.env = Objects.requireNonNull(env, "env == null");
    this.defaultLanguage = Objects.requireNonNull(defaultLanguage, "defaultLanguage == null");
    this.mapper = newMapper();
  }

  static ObjectMapper newMapper() {
    SimpleModule units = new SimpleModule("units");
    units.addDeserializer(Duration.class, new DurationDeserializer());
    units.addDeserializer(AppConfig.ByteSize.class, new ByteSizeDeserializer());
    return new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .registerModule(units);
  }

  /** The built-in defaults alone. */
  AppSettings loadDefaults() {
    return validate(defaultsTree(), "built-in defaults");
  }

  /** {@code file} merged over the built-in defaults. */
  AppSettings load(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config.notFound", file);
    } catch (IOException e) {
      throw new ConfigException("config.unreadable", file, e.getMessage());
    }
    return loadString(yaml, file.toString());
  }

  /** YAML text merged over the built-in defaults; {@code source} names it in messages. */
  AppSettings loadString(String yaml, String source) {
    JsonNode user;
    try {
      // First pass straight into the records: errors then carry the key path and line number.
      mapper.readValue(yaml.isBlank() ? "{}" : yaml, AppConfig.class);
      user = mapper.readTree(yaml);
    } catch (JacksonException e) {
      throw translate(e, source, yaml);
    }
    ObjectNode merged = defaultsTree();
    if (user != null && !user.isMissingNode() && !user.isNull()) {
      if (!user.isObject()) throw new ConfigException("config.notMapping", source);
      merge(merged, (ObjectNode) user);
    }
    return validate(merged, source);
  }

  private ObjectNode defaultsTree() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) throw new IllegalStateException(DEFAULTS_RESOURCE + " missing from the jar");
      return (ObjectNode) mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Objects merge key by key; lists and scalars from the user replace the default. */
  private static void merge(ObjectNode target, ObjectNode source) {
    for (Map.Entry<String, JsonNode> field : source.properties()) {
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode && field.getValue() instanceof ObjectNode) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue());
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private AppSettings validate(ObjectNode tree, String source) {
    AppConfig c;
    try {
      c = mapper.treeToValue(tree, AppConfig.class);
    } catch (JacksonException e) {
      throw translate(e, source, null);
    }
    String language = language(c.language());
    Path dataDir = Path.of(require(c.dataDir(), "data-dir"));
    String jdbcUrl = jdbcUrl(c);

    Set<String> admins = new LinkedHashSet<>();
    for (String admin : nullToEmpty(c.admins())) {
      if (admin == null || !ADMIN.matcher(admin).matches()) {
        throw new ConfigException("config.badAdmin", admin);
      }
      admins.add(admin);
    }

    AppConfig.Limits l = c.limits();
    int perBackend = positive(l.perBackend(), "limits.per-backend");
    CoreConfig.Limits limits =
        new CoreConfig.Limits(
            positive(l.perUserRunning(), "limits.per-user-running"),
            positive(l.perUserWaiting(), "limits.per-user-waiting"),
            positive(l.globalRunning(), "limits.global-running"),
            positive(l.maxPromptLength(), "limits.max-prompt-length"),
            positiveBytes(l.maxImageBytes(), "limits.max-image-bytes"));

    List<CoreConfig.ModelConfig> models = models(c.models(), perBackend);
    String defaultModel = blankToNull(c.defaultModel());
    if (defaultModel == null) defaultModel = models.get(0).alias();
    String wanted = defaultModel;
    if (models.stream().noneMatch(m -> m.alias().equals(wanted))) {
      throw new ConfigException(
          "config.unknownDefaultModel",
          defaultModel,
          models.stream().map(CoreConfig.ModelConfig::alias).collect(Collectors.joining(", ")));
    }

    AppConfig.Timeouts t = c.timeouts();
    AppConfig.HuggingFace hf = c.huggingFace();
    String hubUrl = require(hf.hubUrl(), "hugging-face.hub-url");
    if (!hubUrl.startsWith("http://") && !hubUrl.startsWith("https://")) {
      throw new ConfigException(
          "config.badValue", "hugging-face.hub-url", hubUrl, "https://huggingface.co");
    }
    CoreConfig.GradioSettings gradio =
        new CoreConfig.GradioSettings(
            secret(hf.token(), "hugging-face.token", "HF_TOKEN"),
            hubUrl,
            positive(t.job(), "timeouts.job"),
            positive(t.heartbeat(), "timeouts.heartbeat"),
            positive(t.wake(), "timeouts.wake"),
            positive(t.driftCheck(), "timeouts.drift-check"),
            allowedHosts(c.spaces()));

    CoreConfig core =
        new CoreConfig(
            dataDir,
            jdbcUrl,
            models,
            defaultModel,
            admins,
            limits,
            positive(c.progressInterval(), "progress-interval"),
            language,
            gradio,
            instanceId(c.instanceId()),
            null);

    AppSettings.DiscordSettings discord = null;
    AppConfig.Discord d = c.discord();
    String discordToken = frontEndToken(d.enabled(), d.token(), "discord", "DISCORD_TOKEN");
    if (discordToken != null) {
      discord =
          new AppSettings.DiscordSettings(
              discordToken,
              blankToNull(d.guildId()),
              discordUrl(d.restUrl(), "discord.rest-url", DiscordConfig.DISCORD_REST),
              discordUrl(d.gatewayUrl(), "discord.gateway-url", DiscordConfig.DISCORD_GATEWAY),
              shards(d));
    }
    AppSettings.TelegramSettings telegram = null;
    AppConfig.Telegram tg = c.telegram();
    String telegramToken = frontEndToken(tg.enabled(), tg.token(), "telegram", "TELEGRAM_TOKEN");
    if (telegramToken != null) {
      telegram =
          new AppSettings.TelegramSettings(
              telegramToken, apiUrl(tg.apiUrl()), webhook(tg.webhook()));
    }

    AppConfig.Http http = c.http();
    int port = http.port() == null ? 0 : http.port();
    if (port < 0 || port > 65535) {
      throw new ConfigException("config.badValue", "http.port", port, "9464 (0 turns it off)");
    }
    String level = require(c.logging().level(), "logging.level").toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw new ConfigException("config.badValue", "logging.level", level, "INFO");
    }
    return new AppSettings(
        source,
        core,
        discord,
        telegram,
        language,
        positive(t.shutdown(), "timeouts.shutdown"),
        port,
        require(http.bind(), "http.bind"),
        Boolean.TRUE.equals(c.logging().json()),
        level,
        core.instanceId());
  }

  /** {@code instance-id} as written (letters, digits, {@code .-_}), else the host name. */
  private static String instanceId(String raw) {
    String id = blankToNull(raw);
    if (id == null) return Metrics.defaultInstance();
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException("config.badValue", "instance-id", id, "bot-1");
    }
    return id;
  }

  /**
   * A Discord endpoint override: the REST base ({@code http(s)://…}, given a trailing slash) or the
   * gateway ({@code ws(s)://…}); Discord's own when not given.
   */
  private static String discordUrl(String raw, String key, String discords) {
    String value = blankToNull(raw);
    if (value == null) return discords;
    boolean rest = key.endsWith("rest-url");
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null ? null : uri.getScheme();
    boolean ok =
        uri != null
            && uri.getHost() != null
            && (rest
                ? "http".equals(scheme) || "https".equals(scheme)
                : "ws".equals(scheme) || "wss".equals(scheme));
    if (!ok) throw new ConfigException("config.badValue", key, value, discords);
    // JDA appends routes to the REST base: without the slash "…/v10" + "users/@me" breaks.
    return rest && !value.endsWith("/") ? value + "/" : value;
  }

  /**
   * Discord sharding: {@code shards} ({@code auto} or the total), or {@code shard-total} with this
   * instance's {@code shard-ids}; null when none is given (one unsharded connection).
   */
  private static AppSettings.Shards shards(AppConfig.Discord d) {
    String shards = blankToNull(d.shards());
    String ids = blankToNull(d.shardIds());
    Integer total = d.shardTotal();
    if (shards == null && ids == null && total == null) return null;
    if (shards != null && !shards.equalsIgnoreCase("auto")) {
      int n;
      try {
        n = Integer.parseInt(shards);
      } catch (NumberFormatException e) {
        throw new ConfigException("config.badValue", "discord.shards", shards, "auto or 8");
      }
      if (n < 1) throw new ConfigException("config.badValue", "discord.shards", shards, "8");
      if (total != null && total != n) {
        throw new ConfigException("config.badValue", "discord.shard-total", total, n);
      }
      total = n;
    }
    if (total != null && total < 1) {
      throw new ConfigException("config.badValue", "discord.shard-total", total, "8");
    }
    if (ids == null) return new AppSettings.Shards(total, List.of());
    if (total == null) {
      // Splitting shards among instances needs one total that every instance agrees on.
      throw new ConfigException("config.badValue", "discord.shard-ids", ids, "with shard-total: 8");
    }
    Set<Integer> list = new LinkedHashSet<>();
    try {
      for (String part : ids.split(",")) {
        String p = part.strip();
        int dash = p.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
        int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
        if (from < 0 || to < from || to >= total) throw new NumberFormatException(p);
        for (int i = from; i <= to; i++) list.add(i);
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "config.badValue", "discord.shard-ids", ids, "0-" + (total - 1) + " or 0,2,4");
    }
    return new AppSettings.Shards(total, List.copyOf(list));
  }

  private List<CoreConfig.ModelConfig> models(List<AppConfig.Model> raw, int perBackend) {
    if (raw == null || raw.isEmpty()) throw new ConfigException("config.noModels");
    List<CoreConfig.ModelConfig> models = new ArrayList<>();
    Set<String> aliases = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      AppConfig.Model m = raw.get(i);
      String key = "models[" + i + "]";
      String alias = require(m.alias(), key + ".alias");
      if (!ALIAS.matcher(alias).matches()) throw new ConfigException("config.badAlias", key, alias);
      if (!aliases.add(alias)) throw new ConfigException("config.duplicateAlias", alias);
      List<AppConfig.Backend> backends = m.backends();
      if (m.space() != null && backends != null) {
        throw new ConfigException("config.spaceOrBackends", key);
      }
      if (m.space() != null) {
        backends = List.of(new AppConfig.Backend(m.space(), null, null, null, null));
      }
      if (backends == null || backends.isEmpty()) {
        throw new ConfigException("config.spaceOrBackends", key);
      }
      List<CoreConfig.BackendConfig> out = new ArrayList<>();
      for (int j = 0; j < backends.size(); j++) {
        AppConfig.Backend b = backends.get(j);
        String bkey = key + ".backends[" + j + "]";
        String space = require(b.space(), bkey + ".space");
        String endpoint = blankToNull(b.endpoint());
        if (endpoint != null && !endpoint.startsWith("/")) endpoint = "/" + endpoint;
        int concurrency =
            b.concurrency() == null ? perBackend : positive(b.concurrency(), bkey + ".concurrency");
        Map<String, Object> fixed = new LinkedHashMap<>();
        if (b.fixed() != null) {
          b.fixed()
              .forEach(
                  (name, value) -> {
                    if (value == null) {
                      throw new ConfigException("config.nullFixed", bkey + ".fixed." + name);
                    }
                    fixed.put(name, value);
                  });
        }
        out.add(
            new CoreConfig.BackendConfig(
                space, endpoint, fixed, b.renames() == null ? Map.of() : b.renames(), concurrency));
      }
      String name = blankToNull(m.name());
      models.add(new CoreConfig.ModelConfig(alias, name == null ? alias : name, out));
    }
    return models;
  }

  /**
   * The token of a front-end, or null when it is off. {@code enabled} null means "on when the token
   * resolves"; true means the token must resolve.
   */
  private String frontEndToken(Boolean enabled, String ref, String platform, String envVar) {
    if (Boolean.FALSE.equals(enabled)) return null;
    String token = secret(ref, platform + ".token", envVar);
    if (token == null && Boolean.TRUE.equals(enabled)) {
      Matcher m = ENV_REF.matcher(ref == null ? "" : ref.trim());
      String variable = m.matches() ? m.group(1) : envVar;
      throw new ConfigException("config.missingToken", platform, variable);
    }
    return token;
  }

  /**
   * Resolves a secret reference: {@code ${VAR}} from the environment, {@code file:path} from a
   * file; null when not set. A literal value is refused so tokens never sit in config files.
   */
  String secret(String ref, String key, String suggestedVar) {
    if (ref == null || ref.isBlank()) return null;
    String value = ref.trim();
    Matcher m = ENV_REF.matcher(value);
    if (m.matches()) {
      String resolved = env.apply(m.group(1));
      return resolved == null || resolved.isBlank() ? null : remember(resolved.trim());
    }
    if (value.startsWith("file:")) {
      Path file = Path.of(value.substring("file:".length()));
      try {
        String content = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (content.isEmpty()) throw new ConfigException("config.emptySecretFile", key, file);
        return remember(content);
      } catch (NoSuchFileException e) {
        throw new ConfigException("config.missingSecretFile", key, file);
      } catch (IOException e) {
        throw new ConfigException("config.unreadable", file, e.getMessage());
      }
    }
    throw new ConfigException("config.literalSecret", key, suggestedVar);
  }

  /**
   * The database URL: {@code jdbc-url} as written, or resolved from a {@code ${VAR}} or {@code
   * file:} reference (a URL may hold a password); {@code jdbc-user} and {@code jdbc-password} (a
   * reference) become a PostgreSQL URL's {@code user} and {@code password}. Null for the embedded
   * H2 database.
   */
  private String jdbcUrl(AppConfig c) {
    String raw = blankToNull(c.jdbcUrl());
    String user = blankToNull(c.jdbcUser());
    String password = blankToNull(c.jdbcPassword());
    if (raw == null) {
      if (user != null || password != null) {
        throw new ConfigException("config.credentialsWithoutUrl");
      }
      return null;
    }
    String url = raw;
    if (ENV_REF.matcher(raw).matches() || raw.startsWith("file:")) {
      url = secret(raw, "jdbc-url", "IMAGINE_JDBC_URL");
      if (url == null) {
        Matcher m = ENV_REF.matcher(raw);
        throw new ConfigException("config.missingDatabaseUrl", m.matches() ? m.group(1) : raw);
      }
    }
    if (!url.startsWith("jdbc:")) {
      // Echo what was written: a resolved URL may hold a password.
      throw new ConfigException(
          "config.badValue", "jdbc-url", raw, "jdbc:postgresql://host:5432/imagine");
    }
    if (user == null && password == null) return url;
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("config.credentialsNeedPostgres");
    }
    StringBuilder withCredentials = new StringBuilder(url);
    char separator = url.indexOf('?') < 0 ? '?' : '&';
    if (user != null) {
      String name =
          ENV_REF.matcher(user).matches() || user.startsWith("file:")
              ? secret(user, "jdbc-user", "IMAGINE_JDBC_USER")
              : user;
      if (name != null) {
        withCredentials.append(separator).append("user=").append(encode(name));
        separator = '&';
      }
    }
    if (password != null) {
      String secret = secret(password, "jdbc-password", "IMAGINE_JDBC_PASSWORD");
      if (secret != null) {
        withCredentials.append(separator).append("password=").append(encode(secret));
        remember(encode(secret));
      }
    }
    return withCredentials.toString();
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String remember(String secret) {
    Redactor.addSecret(secret);
    return secret;
  }

  private static URI apiUrl(String raw) {
    String value = blankToNull(raw);
    if (value == null) return null;
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new ConfigException(
          "config.badValue", "telegram.api-url", value, "http://127.0.0.1:8081");
    }
    return uri;
  }

  /** The Telegram webhook, or null for long polling (no webhook section, or an empty url). */
  private TelegramConfig.Webhook webhook(AppConfig.TelegramWebhook raw) {
    String value = raw == null ? null : blankToNull(raw.url());
    if (value == null) return null;
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    // Telegram only calls https URLs.
    if (uri == null || uri.getHost() == null || !"https".equals(uri.getScheme())) {
      throw new ConfigException(
          "config.badValue", "telegram.webhook.url", value, "https://bot.example.com/telegram");
    }
    if (raw.port() == null) throw new ConfigException("config.missing", "telegram.webhook.port");
    int port = raw.port();
    if (port < 1 || port > 65535) {
      throw new ConfigException("config.badValue", "telegram.webhook.port", port, "8443");
    }
    String secret = secret(raw.secret(), "telegram.webhook.secret", "TELEGRAM_WEBHOOK_SECRET");
    if (secret == null) throw new ConfigException("config.missing", "telegram.webhook.secret");
    if (!WEBHOOK_SECRET.matcher(secret).matches()) {
      // Never echo the secret itself.
      throw new ConfigException(
          "config.badValue", "telegram.webhook.secret", "***", "1-256 of A-Z a-z 0-9 _ -");
    }
    // Listen on all interfaces: the reverse proxy in front usually runs on another host/container.
    return new TelegramConfig.Webhook(value, "0.0.0.0", port, secret);
  }

  private String language(String raw) {
    String value = raw == null || raw.isBlank() ? defaultLanguage : raw.trim();
    String lower = value.toLowerCase(Locale.ROOT).replace('_', '-');
    if (lower.equals("en") || lower.startsWith("en-")) return "en";
    if (lower.equals("zh") || lower.equals("zh-cn") || lower.equals("zh-hans")) return "zh-CN";
    throw new ConfigException("config.badValue", "language", raw, "en or zh-CN");
  }

  private static String require(String value, String key) {
    if (value == null || value.isBlank()) throw new ConfigException("config.missing", key);
    return value.trim();
  }

  private static int positive(Integer value, String key) {
    if (value == null) throw new ConfigException("config.missing", key);
    if (value < 1) throw new ConfigException("config.notPositive", key, value);
    return value;
  }

  private static long positiveBytes(AppConfig.ByteSize value, String key) {
    if (value == null) throw new ConfigException("config.missing", key);
    if (value.bytes() < 1) throw new ConfigException("config.notPositive", key, value.bytes());
    return value.bytes();
  }

  private static Duration positive(Duration value, String key) {
    if (value == null) throw new ConfigException("config.missing", key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException("config.notPositive", key, value);
    }
    return value;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static List<String> allowedHosts(AppConfig.Spaces spaces) {
    List<String> allow = spaces == null ? List.of() : nullToEmpty(spaces.allow());
    for (int i = 0; i < allow.size(); i++) {
      String entry = allow.get(i);
      try {
        HostPolicy.strict().allowing(List.of(entry == null ? "" : entry));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "config.badValue",
            "spaces.allow[" + i + "]",
            entry,
            "a URL (http://10.0.0.5:7860), host:port, a host or *.domain");
      }
    }
    return allow;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** One line for a Jackson problem: the key path, the line, and what was expected. */
  static ConfigException translate(JacksonException e, String source, String yaml) {
    JsonLocation where = e.getLocation();
    int line = where == null ? -1 : where.getLineNr();
    if (e instanceof JsonMappingException && yaml != null) {
      // Records are built after their whole mapping is read, so Jackson reports the mapping's
      // end; find the key's own line instead.
      int found = lineOf(yaml, (JsonMappingException) e);
      if (found > 0) line = found;
    }
    if (e instanceof UnrecognizedPropertyException) {
      UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : u.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", "));
      return new ConfigException("config.unknownKey", source, line, path(u), known);
    }
    if (e instanceof InvalidFormatException) {
      InvalidFormatException f = (InvalidFormatException) e;
      return new ConfigException(
          "config.badValueAt", source, line, path(f), f.getValue(), expected(f.getTargetType()));
    }
    if (e instanceof MismatchedInputException) {
      MismatchedInputException m = (MismatchedInputException) e;
      String path = path(m);
      if (path.isEmpty()) return new ConfigException("config.notMapping", source);
      return new ConfigException(
          "config.badShape", source, line, path, expected(m.getTargetType()));
    }
    if (e instanceof JsonMappingException && !((JsonMappingException) e).getPath().isEmpty()) {
      return new ConfigException(
          "config.badShape", source, line, path((JsonMappingException) e), e.getOriginalMessage());
    }
    String problem = e.getOriginalMessage();
    int newline = problem == null ? -1 : problem.indexOf('\n');
    if (newline >= 0) problem = problem.substring(0, newline);
    return new ConfigException("config.syntax", source, line, problem);
  }

  /** The 1-based line of the key the exception's path ends in, or -1. */
  static int lineOf(String yaml, JsonMappingException e) {
    String[] lines = yaml.split("\n", -1);
    int from = 0;
    int found = -1;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() == null) continue;
      Pattern key =
          Pattern.compile(
              "^\\s*(?:-\\s+)?[\"']?" + Pattern.quote(ref.getFieldName()) + "[\"']?\\s*:.*");
      found = -1;
      for (int i = from; i < lines.length; i++) {
        if (key.matcher(lines[i]).matches()) {
          found = i;
          break;
        }
      }
      if (found < 0) return -1;
      from = found + 1;
    }
    return found < 0 ? -1 : found + 1;
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (out.length() > 0) out.append('.');
        out.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) return "?";
    if (type == Integer.class || type == int.class || type == Long.class) return "a whole number";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == Duration.class) return "a duration such as 500ms, 30s, 5m or 1h";
    if (type == AppConfig.ByteSize.class) return "a size such as 25MiB or 10MB";
    if (type == String.class) return "a text value";
    if (List.class.isAssignableFrom(type)) return "a list";
    if (Map.class.isAssignableFrom(type) || type.isRecord()) return "a mapping of keys";
    return type.getSimpleName();
  }

  /** Durations as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601. */
  static final class DurationDeserializer extends JsonDeserializer<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (p.currentToken().isNumeric()) return Duration.ofSeconds(p.getLongValue());
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      Duration parsed = parse(text.trim().toLowerCase(Locale.ROOT));
      if (parsed == null) {
        throw InvalidFormatException.from(p, "not a duration", text, Duration.class);
      }
      return parsed;
    }

    static Duration parse(String text) {
      Matcher m = SIMPLE.matcher(text);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            return Duration.ofMillis(n);
          case "s":
            return Duration.ofSeconds(n);
          case "m":
            return Duration.ofMinutes(n);
          case "h":
            return Duration.ofHours(n);
          default:
            return Duration.ofDays(n);
        }
      }
      try {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  /** Sizes as a number of bytes or with a unit: k/KB/KiB, M/MB/MiB, G/GB/GiB (all powers of 2). */
  static final class ByteSizeDeserializer extends JsonDeserializer<AppConfig.ByteSize> {
    private static final Pattern SIZE =
        Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);

    @Override
    public AppConfig.ByteSize deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      if (p.currentToken().isNumeric()) return new AppConfig.ByteSize(p.getLongValue());
      String text = p.getValueAsString();
      if (text == null) {
        return (AppConfig.ByteSize) ctxt.handleUnexpectedToken(AppConfig.ByteSize.class, p);
      }
      Matcher m = SIZE.matcher(text.trim());
      if (!m.matches()) {
        throw InvalidFormatException.from(p, "not a size", text, AppConfig.ByteSize.class);
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      long factor =
          unit.startsWith("k")
              ? 1024L
              : unit.startsWith("m")
                  ? 1024L * 1024
                  : unit.startsWith("g") ? 1024L * 1024 * 1024 : 1L;
      return new AppConfig.ByteSize(n * factor);
    }
  }
}
