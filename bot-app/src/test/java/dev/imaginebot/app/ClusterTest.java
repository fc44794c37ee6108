package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.imaginebot.core.store.PostgresServer;
import dev.imaginebot.discord.FakeDiscord;
import dev.imaginebot.gradio.testing.GradioTestServer;
import dev.imaginebot.telegram.FakeTelegramBotApi;
import dev.imaginebot.telegram.FakeTelegramBotApi.ChatMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three bot instances in child JVMs ({@link ClusterChild}) on one PostgreSQL database: Telegram in
 * webhook mode behind a round-robin forwarder (a load balancer: an update it cannot hand to one
 * instance goes to the next, as Telegram redelivers an unanswered one), Discord with its four
 * shards split across the instances, and one real local Gradio {@code paint} app, which logs when
 * each run started and finished. 100 users send 300 commands; one instance is killed with SIGKILL
 * in the middle.
 *
 * <p>Asserted: every command ends in exactly one outcome (images or a clear failure); the Space
 * never runs more jobs at once than its configured cap (counted from its own log); the order is
 * round-robin across instances (no user's next job starts while a user a round behind is waiting,
 * within {@link #SLACK_MS}); and the jobs the dead instance had taken on finish on the others.
 */
class ClusterTest {
  static final String TELEGRAM_TOKEN = FakeTelegramBotApi.TOKEN;
  static final String SECRET = "cluster-secret_7";
  static final String PUBLIC_URL = "https://bot.example.test/telegram/hook";
  static final double JOB_SECONDS = 0.4;
  static final int CAP = 4;
  static final int INSTANCES = 3;
  static final int SHARDS = 4;
  static final int TELEGRAM_USERS = 70;
  static final int GUILD_USERS = 15;
  static final int DM_USERS = 15;
  static final int PER_USER = 3;

  /** Each instance's job lease: short, so that the dead instance's jobs move within seconds. */
  static final Duration JOB_LEASE = Duration.ofSeconds(3);

  private static final java.util.regex.Pattern TAKEOVER =
      java.util.regex.Pattern.compile("Job (\\d+): taking it over from (\\S+) ");

  /**
   * The fairness check's slack. A command counts as waiting only from {@code SLACK_MS} after it was
   * sent (a webhook call or gateway event, then a database write, stand between the two), and a
   * start counts as before another only when it is more than {@code SLACK_MS} earlier in the
   * Space's log (claims are serialized cluster-wide, but the Space logs a run once its own queue
   * took it, after the instance's HTTP call, which the 2-core machine can delay).
   */
  static final long SLACK_MS = 1000;

  static final String PREFIX = "cl-";

  @TempDir Path dir;

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One command: who sent it where, its unique prompt, and when. */
  record Command(
      String user,
      String prompt,
      long telegramChat,
      int telegramMessage,
      String discordToken,
      long sentAt) {}

  /** What one instance said: its outcomes and takeovers, with when it said them. */
  static final class Said {
    /** Job ids of the outcomes it delivered. */
    final List<Long> outcomes = new CopyOnWriteArrayList<>();

    /** Job ids it took over, by the instance it took each from. */
    final Map<Long, String> tookOver = new ConcurrentHashMap<>();

    void hear(String line) {
      if (line.startsWith("OUTCOME ")) outcomes.add(Long.parseLong(line.substring(8).trim()));
      java.util.regex.Matcher m = TAKEOVER.matcher(line);
      if (m.find()) tookOver.put(Long.parseLong(m.group(1)), m.group(2));
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void threeInstancesShareTheQueueFairlyWithinTheCapAndSurviveAKill() throws Exception {
    long began = System.nanoTime();
    GradioTestServer gradio = GradioTestServer.shared(GradioTestServer.latest());
    String jdbc = PostgresServer.shared().createDatabase();
    List<Command> commands = new CopyOnWriteArrayList<>();
    Map<String, Said> said = new ConcurrentHashMap<>();
    List<ClusterChild.Child> children = new CopyOnWriteArrayList<>();
    // Everything the instances said, kept after the test for a failure's analysis.
    Path childrenLog = Path.of("target", "cluster-test", "children.log").toAbsolutePath();
    Files.createDirectories(childrenLog.getParent());
    Files.deleteIfExists(childrenLog);
    ExecutorService telegramSide = Executors.newFixedThreadPool(8);
    try {
      try (FakeTelegramBotApi api = new FakeTelegramBotApi("ImagineBot");
          FakeDiscord discord = new FakeDiscord();
          Forwarder forwarder = new Forwarder()) {
        // Telegram's flood limits would stretch 300 jobs' messages well past the test's budget;
        // OutboxFloodTest covers them.
        api.floodLimits(FakeTelegramBotApi.FloodLimits.NONE);
        discord.shards(SHARDS);
        int guildShard = discord.shardOf(FakeDiscord.GUILD_ID);
        assertThat(guildShard)
            .as("direct messages (shard 0) and the guild on different shards")
            .isNotZero();
        // The last instance runs the guild's shard and is the one killed: its Discord jobs must be
        // finished by the others through the interaction tokens it stored.
        List<String> shardsOf = new ArrayList<>(List.of("0", "", Integer.toString(guildShard)));
        for (int shard = 1; shard < SHARDS; shard++) {
          if (shard == guildShard) continue;
          int to = shardsOf.get(1).isEmpty() ? 1 : 0;
          shardsOf.set(to, shardsOf.get(to) + (to == 0 ? "," : "") + shard);
        }
        // The instances start side by side, as a deployment rolls them out.
        List<java.util.concurrent.CompletableFuture<ClusterChild.Child>> starting =
            new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
          String id = "bot-" + (char) ('a' + i);
          Said s = new Said();
          said.put(id, s);
          List<String> args =
              List.of(
                  id,
                  dir.resolve(id).toString(),
                  jdbc,
                  api.host(),
                  Integer.toString(api.port()),
                  PUBLIC_URL,
                  SECRET,
                  discord.restUrl(),
                  discord.gatewayUrl(),
                  Integer.toString(SHARDS),
                  shardsOf.get(i),
                  gradio.url("paint"),
                  Double.toString(JOB_SECONDS),
                  Integer.toString(CAP));
          starting.add(
              java.util.concurrent.CompletableFuture.supplyAsync(
                  () -> {
                    ClusterChild.Child child = ClusterChild.launch(args, childrenLog, s::hear);
                    children.add(child);
                    return child;
                  }));
        }
        for (var child : starting) forwarder.add(child.join().webhookPort());
        assertThat(api.webhook()).containsExactly(PUBLIC_URL, SECRET);
        assertThat(discord.connectedShards()).containsExactlyInAnyOrder(0, 1, 2, 3);
        System.out.println(
            "cluster: started in " + (System.nanoTime() - began) / 1_000_000 + " ms");

        // Two commands from every user, round by round, then the kill in the middle of the run.
        List<java.util.concurrent.Future<?>> deliveries = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
          for (int u = 0; u < TELEGRAM_USERS + GUILD_USERS + DM_USERS; u++) {
            deliveries.add(send(api, discord, forwarder, telegramSide, commands, u, round, false));
          }
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> distinctStarts(gradio.paintLog()) >= 60);
        ClusterChild.Child victim = starting.get(INSTANCES - 1).join();
        victim.process().destroyForcibly();
        long killedAt = System.currentTimeMillis();
        assertThat(victim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        int victimOutcomes = said.get(victim.instance()).outcomes.size();
        // The third command of every user; the guild's shard is down with its instance, so its
        // users
        // write to the bot directly.
        for (int u = 0; u < TELEGRAM_USERS + GUILD_USERS + DM_USERS; u++) {
          deliveries.add(send(api, discord, forwarder, telegramSide, commands, u, 2, true));
        }
        for (var d : deliveries) d.get(60, TimeUnit.SECONDS);

        Report checks = null;
        try {
          await()
              .atMost(Duration.ofSeconds(100))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> commands.stream().allMatch(c -> outcomes(api, discord, c) >= 1));
          // Nothing left running on the Space: every run it started has finished.
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      ours(gradio.paintLog().get("started")).size()
                          == ours(gradio.paintLog().get("finished")).size());
        } finally {
          checks = report(api, discord, gradio, commands, said, victim, killedAt, victimOutcomes);
          checks.seconds = (System.nanoTime() - began) / 1e9;
          System.out.println(checks);
          // The instances go before the stand-ins they talk to.
          for (ClusterChild.Child c : children) c.process().destroyForcibly();
        }
        assertThat(checks.lost).as("commands without an outcome").isZero();
        assertThat(checks.answeredTwice).as("commands answered twice").isZero();
        assertThat(checks.maxConcurrent)
            .as("most jobs on the Space at once")
            .isLessThanOrEqualTo(CAP);
        assertThat(checks.unfair).as("starts ahead of a user a round behind").isEmpty();
        assertThat(checks.takeovers).as("jobs of the dead instance taken over").isPositive();
        assertThat(checks.takenOverWithoutOutcome)
            .as("jobs taken over from the dead instance that no live one finished")
            .isEmpty();
        assertThat(checks.withOneOutcome).isEqualTo(commands.size()).isEqualTo(300);
      }
    } finally {
      for (ClusterChild.Child c : children) c.process().destroyForcibly();
      for (ClusterChild.Child c : children) c.process().waitFor(30, TimeUnit.SECONDS);
      telegramSide.shutdownNow();
    }
  }

  /** Sends user {@code u}'s command number {@code round}; Telegram's go through the forwarder. */
  private java.util.concurrent.Future<?> send(
      FakeTelegramBotApi api,
      FakeDiscord discord,
      Forwarder forwarder,
      ExecutorService telegramSide,
      List<Command> commands,
      int u,
      int round,
      boolean guildDown) {
    if (u < TELEGRAM_USERS) {
      long chat = 5001 + u;
      String user = "t" + chat;
      String prompt = PREFIX + user + "-" + round;
      String update = api.webhookUpdate(chat, chat, "/imagine " + prompt);
      int messageId;
      try {
        messageId = json.readTree(update).path("message").path("message_id").asInt();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      commands.add(new Command(user, prompt, chat, messageId, null, System.currentTimeMillis()));
      return telegramSide.submit(
          () -> {
            // Telegram redelivers until some instance answers 2xx.
            await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> forwarder.deliver(update) / 100 == 2);
            return null;
          });
    }
    int d = u - TELEGRAM_USERS;
    boolean inGuild = d < GUILD_USERS;
    FakeDiscord.User user = new FakeDiscord.User(400000000000001000L + d, "user" + d, false);
    String key = "d" + d;
    String prompt = PREFIX + key + "-" + round;
    var slash = discord.slash("imagine", user).option("prompt", prompt);
    if (!inGuild || guildDown) slash = slash.dm();
    long sentAt = System.currentTimeMillis();
    FakeDiscord.Interaction i = slash.send();
    commands.add(new Command(key, prompt, 0, 0, i.token(), sentAt));
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  // ---- outcomes -----------------------------------------------------------------------------

  private static int outcomes(FakeTelegramBotApi api, FakeDiscord discord, Command c) {
    if (c.discordToken() != null) {
      return (int)
          discord.all().stream()
              .filter(call -> c.discordToken().equals(call.token()) && call.kind().equals("edit"))
              .filter(call -> call.customIds().stream().noneMatch(id -> id.startsWith("cancel:")))
              .count();
    }
    int n = 0;
    for (ChatMessage m : api.botMessages(c.telegramChat())) {
      if (m.replyTo == null || m.replyTo != c.telegramMessage()) continue;
      List<String> data = m.buttonData();
      boolean done = data.size() == 3 && data.get(0).startsWith("reroll:");
      boolean failed = data.size() == 1 && data.get(0).startsWith("rerun:");
      boolean refused =
          data.isEmpty()
              && m.photo == null
              && !m.text().equals("⏳")
              && !m.text().startsWith("Queued");
      if (done || failed || refused) n++;
    }
    return n;
  }

  // ---- the Space's log ----------------------------------------------------------------------

  /** A run in the Space's log: prompt, epoch ms. */
  record Run(String prompt, long at) {
    String user() {
      return prompt.substring(PREFIX.length(), prompt.lastIndexOf('-'));
    }
  }

  private static List<Run> ours(List<String> entries) {
    List<Run> runs = new ArrayList<>();
    for (String e : entries) {
      if (!e.startsWith(PREFIX)) continue;
      String[] parts = e.split("\\|");
      runs.add(new Run(parts[0], Long.parseLong(parts[2])));
    }
    return runs;
  }

  private static long distinctStarts(Map<String, List<String>> log) {
    return ours(log.get("started")).stream().map(Run::prompt).distinct().count();
  }

  /** The most runs in progress at once, from the log's starts and finishes. */
  static int maxConcurrent(List<Run> started, List<Run> finished) {
    List<long[]> events = new ArrayList<>();
    for (Run r : started) events.add(new long[] {r.at(), +1});
    for (Run r : finished) events.add(new long[] {r.at(), -1});
    // A run that finished in the same millisecond another started did not overlap it.
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int now = 0;
    int max = 0;
    for (long[] e : events) {
      now += (int) e[1];
      max = Math.max(max, now);
    }
    return max;
  }

  /**
   * Starts that broke round-robin: user u's job started at t although a user v was waiting (a
   * command sent more than {@link #SLACK_MS} before t not yet started, and no job of v's in
   * progress at t) who had fewer jobs started than u even {@link #SLACK_MS} after t.
   */
  static List<String> unfair(List<Command> commands, List<Run> started, List<Run> finished) {
    Map<String, Long> firstStart = new HashMap<>();
    for (Run r : started) firstStart.merge(r.prompt(), r.at(), Math::min);
    Map<String, Long> lastFinish = new HashMap<>();
    for (Run r : finished) lastFinish.merge(r.prompt(), r.at(), Math::max);
    Map<String, List<Command>> byUser =
        commands.stream()
            .collect(Collectors.groupingBy(Command::user, LinkedHashMap::new, Collectors.toList()));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> start : firstStart.entrySet()) {
      String prompt = start.getKey();
      long t = start.getValue();
      String u = new Run(prompt, t).user();
      long uBefore = startedBefore(byUser.get(u), firstStart, t);
      if (uBefore == 0) continue;
      for (Map.Entry<String, List<Command>> v : byUser.entrySet()) {
        if (v.getKey().equals(u)) continue;
        boolean waiting = false;
        boolean busy = false;
        for (Command c : v.getValue()) {
          Long s = firstStart.get(c.prompt());
          if (c.sentAt() < t - SLACK_MS && (s == null || s > t)) waiting = true;
          if (s != null && s <= t && lastFinish.getOrDefault(c.prompt(), Long.MAX_VALUE) >= t) {
            busy = true;
          }
        }
        if (!waiting || busy) continue;
        long vBy = startedBefore(v.getValue(), firstStart, t + SLACK_MS);
        if (vBy < uBefore) {
          out.add(prompt + " started at " + t + " while " + v.getKey() + " waited with " + vBy);
        }
      }
    }
    return out;
  }

  private static long startedBefore(List<Command> of, Map<String, Long> firstStart, long t) {
    return of.stream().map(c -> firstStart.get(c.prompt())).filter(s -> s != null && s < t).count();
  }

  // ---- the summary --------------------------------------------------------------------------

  static final class Report {
    int sent;
    int withOneOutcome;
    int lost;
    int answeredTwice;
    int maxConcurrent;
    List<String> unfair = List.of();
    List<String> lostPrompts = new ArrayList<>();
    Map<String, Integer> finishedBy = new LinkedHashMap<>();
    int victimOutcomesAtKill;
    int takeovers;
    List<Long> takenOverWithoutOutcome = List.of();
    int rerun;
    double seconds;

    @Override
    public String toString() {
      return String.format(
          "cluster: %d commands, %d with exactly one outcome, %d lost%s, %d answered twice;"
              + " at most %d jobs on the Space at once (cap %d); %d unfair starts%s;"
              + " outcomes by instance %s (the killed one %d before the kill); %d taken over (%d of them without an outcome);"
              + " %d prompts run more than once; %.1f s",
          sent,
          withOneOutcome,
          lost,
          lostPrompts.isEmpty()
              ? ""
              : " " + lostPrompts.subList(0, Math.min(10, lostPrompts.size())),
          answeredTwice,
          maxConcurrent,
          CAP,
          unfair.size(),
          unfair.isEmpty() ? "" : " (first: " + unfair.get(0) + ")",
          finishedBy,
          victimOutcomesAtKill,
          takeovers,
          takenOverWithoutOutcome.size(),
          rerun,
          seconds);
    }
  }

  private static Report report(
      FakeTelegramBotApi api,
      FakeDiscord discord,
      GradioTestServer gradio,
      List<Command> commands,
      Map<String, Said> said,
      ClusterChild.Child victim,
      long killedAt,
      int victimOutcomes) {
    Report r = new Report();
    r.sent = commands.size();
    for (Command c : commands) {
      int n = outcomes(api, discord, c);
      if (n == 0) {
        r.lost++;
        r.lostPrompts.add(c.prompt());
      } else if (n == 1) r.withOneOutcome++;
      else r.answeredTwice++;
    }
    Map<String, List<String>> log = gradio.paintLog();
    List<Run> started = ours(log.get("started"));
    List<Run> finished = ours(log.get("finished"));
    r.maxConcurrent = maxConcurrent(started, finished);
    r.unfair = unfair(commands, started, finished);
    r.rerun = (int) (started.size() - started.stream().map(Run::prompt).distinct().count());
    new java.util.TreeMap<>(said).forEach((id, s) -> r.finishedBy.put(id, s.outcomes.size()));
    r.victimOutcomesAtKill = victimOutcomes;
    Set<Long> finishedByLive = new java.util.HashSet<>();
    List<Long> takenOver = new ArrayList<>();
    for (Map.Entry<String, Said> e : said.entrySet()) {
      if (e.getKey().equals(victim.instance())) continue;
      finishedByLive.addAll(e.getValue().outcomes);
      e.getValue()
          .tookOver
          .forEach(
              (job, from) -> {
                // An owner is the instance id and its run ("bot-c#lxsdt5dzirt1").
                if (from.startsWith(victim.instance() + "#") || from.equals(victim.instance())) {
                  takenOver.add(job);
                }
              });
    }
    r.takeovers = takenOver.size();
    r.takenOverWithoutOutcome =
        takenOver.stream().filter(job -> !finishedByLive.contains(job)).sorted().toList();
    return r;
  }

  // ---- the load balancer --------------------------------------------------------------------

  /**
   * A round-robin load balancer in front of the instances' webhook servers: each POST goes to the
   * next instance; when one does not answer (dead, or killed mid-call) the call is tried on the
   * next, as a balancer that retries on connection failures does. {@link #deliver} is Telegram's
   * call.
   */
  final class Forwarder implements AutoCloseable {
    private final HttpServer server;
    private final List<Integer> ports = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    Forwarder() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newFixedThreadPool(8));
      server.createContext(
          "/telegram/hook",
          exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String secret =
                exchange.getRequestHeaders().getFirst("X-Telegram-Bot-Api-Secret-Token");
            int status = 502;
            for (int tries = 0; tries < ports.size(); tries++) {
              int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
              try {
                HttpRequest.Builder forward =
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/telegram/hook"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                if (secret != null) forward.header("X-Telegram-Bot-Api-Secret-Token", secret);
                status =
                    http.send(forward.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                break;
              } catch (IOException e) {
                // Not answering: the next instance gets it.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
              }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
          });
      server.start();
    }

    void add(int port) {
      ports.add(port);
    }

    /** Telegram POSTs an update to the public URL; returns the status it got. */
    int deliver(String update) throws IOException, InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + server.getAddress().getPort() + "/telegram/hook"))
              .timeout(Duration.ofSeconds(20))
              .header("Content-Type", "application/json")
              .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
              .POST(HttpRequest.BodyPublishers.ofString(update, StandardCharsets.UTF_8))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
      server.stop(0);
      ((ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
