package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/compose.yml} cannot be run here (no container engine), so this checks what can be
 * checked: every bot service's config file loads with the bot's own {@link ConfigLoader}, with the
 * secrets the service mounts standing in for {@code /run/secrets}, and agrees with the compose file
 * (database, ports, Discord shards split without overlap, distinct instance names).
 */
class BotComposeTest {
  private static final Pattern SECRET_REF = Pattern.compile("file:/run/secrets/([A-Za-z0-9_]+)");

  @TempDir Path secrets;
  Path deploy;
  JsonNode compose;

  @BeforeEach
  void read() throws Exception {
    // Surefire runs in the module's directory; the compose file lives at the top of the checkout.
    deploy = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("deploy");
    compose = new ObjectMapper(new YAMLFactory()).readTree(deploy.resolve("compose.yml").toFile());
  }

  /** The bot services and their config files, from the compose file's volume mounts. */
  private Map<String, Path> botConfigs() {
    Map<String, Path> configs = new LinkedHashMap<>();
    compose
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().path("image").asText().startsWith("imagine-bot")) return;
              for (JsonNode volume : e.getValue().path("volumes")) {
                String[] parts = volume.asText().split(":");
                if (parts[1].equals("/app/config.yml")) {
                  configs.put(e.getKey(), deploy.resolve(parts[0]).normalize());
                }
              }
            });
    return configs;
  }

  private AppSettings load(String service, Path config) throws Exception {
    String yaml = Files.readString(config);
    JsonNode svc = compose.path("services").path(service);
    Set<String> mounted = new HashSet<>();
    svc.path("secrets").forEach(s -> mounted.add(s.asText()));
    Matcher m = SECRET_REF.matcher(yaml);
    StringBuilder local = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      assertThat(mounted)
          .as("%s mounts the secret %s its config reads", service, name)
          .contains(name);
      assertThat(compose.path("secrets").has(name)).as("secret %s is defined", name).isTrue();
      Path file = secrets.resolve(name);
      // Values shaped as the real ones are, so the loader's checks apply.
      Files.writeString(file, name.equals("telegram_token") ? "123456:stand-in" : name + "_value");
      m.appendReplacement(local, Matcher.quoteReplacement("file:" + file));
    }
    m.appendTail(local);
    // No environment: every secret must come from a mounted file.
    return new ConfigLoader(new HashMap<String, String>()::get, "en")
        .loadString(local.toString(), config.getFileName().toString());
  }

  @Test
  void everyBotInstanceLoadsItsConfigFromTheComposeFile() throws Exception {
    Map<String, Path> configs = botConfigs();
    assertThat(configs).hasSizeGreaterThanOrEqualTo(2);
    JsonNode pg = compose.path("services").path("postgres").path("environment");
    Set<String> hostnames = new HashSet<>();
    List<Integer> shardIds = new ArrayList<>();
    Set<Integer> totals = new HashSet<>();
    for (Map.Entry<String, Path> e : configs.entrySet()) {
      JsonNode svc = compose.path("services").path(e.getKey());
      AppSettings s = load(e.getKey(), e.getValue());

      assertThat(s.core().jdbcUrl())
          .startsWith("jdbc:postgresql://postgres:5432/" + pg.path("POSTGRES_DB").asText())
          .contains("user=" + pg.path("POSTGRES_USER").asText());
      assertThat(svc.path("command").toString())
          .contains("\"--config\",\"/app/config.yml\"")
          .contains("\"--http-port\",\"" + s.httpPort() + "\"");
      assertThat(svc.path("ports").toString()).contains("\"" + s.httpPort() + "\"");
      assertThat(svc.path("ports").toString())
          .contains("\"" + s.telegram().webhook().bindPort() + "\"");
      assertThat(hostnames.add(svc.path("hostname").asText()))
          .as("instance names are distinct")
          .isTrue();
      assertThat(s.discord().shards()).isNotNull();
      totals.add(s.discord().shards().total());
      shardIds.addAll(s.discord().shards().ids());
    }
    assertThat(totals).as("every instance agrees on the shard total").hasSize(1);
    int total = totals.iterator().next();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < total; i++) all.add(i);
    assertThat(shardIds)
        .as("each shard runs on exactly one instance")
        .containsExactlyInAnyOrderElementsOf(all);
  }
}
