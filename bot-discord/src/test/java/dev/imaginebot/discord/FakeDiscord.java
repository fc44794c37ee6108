package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import okhttp3.MultipartReader;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.Buffer;

/**
 * Discord on loopback, for real JDA: REST under {@code /api/v10/} and the gateway websocket at
 * {@code /gateway} on one MockWebServer. It replays HELLO, READY and GUILD_CREATE, answers
 * heartbeats, sends slash commands and button clicks with fresh snowflakes, keeps the messages the
 * bot makes, and records every REST call per interaction token (channel calls under {@code
 * "channel"}), with multipart files and {@code payload_json} decoded. Failures (429, 413) can be
 * injected for the next matching call.
 *
 * <p>As strict as Discord where the bot could go wrong: content over 2000 characters, embeds over
 * their field limits or 6000 in all, more than 5 rows or 5 buttons a row, a {@code custom_id} over
 * 100 characters or used twice, a label over 80, more than 10 files, a file over the interaction's
 * {@code attachment_size_limit} (10 MiB by default) or a request of files over 25 MiB (413, 40005),
 * an interaction acknowledged after 3 seconds or twice, a followup or {@code @original} call on an
 * interaction never acknowledged (10015), an interaction token used after 15 minutes, and a channel
 * the bot may not write in are refused with Discord's errors. A test clicks only buttons on a
 * message the bot made ({@link #click}); a crafted click, as a modified client can send, goes
 * through {@link #clickCrafted}, which the security tests alone use.
 */
public final class FakeDiscord implements AutoCloseable {
  static final long DISCORD_EPOCH = 1420070400000L;
  static final long APP_ID = 200000000000000001L;
  public static final long GUILD_ID = 300000000000000001L;
  static final long CHANNEL_ID = 300000000000000002L;
  static final long DM_CHANNEL_ID = 300000000000000003L;
  static final String MEMBER_PERMISSIONS = "2248473465835073";
  static final String MANAGER_PERMISSIONS = Long.toString(2248473465835073L | 32);
  static final String CHANNEL_KEY = "channel";

  /** A user who can click and type. */
  public record User(long id, String name, boolean manager) {}

  /** One REST call the bot made. */
  public record Call(
      String method,
      String path,
      String token,
      String kind,
      long messageId,
      DataObject json,
      List<FileData> files,
      String raw) {
    String content() {
      return json == null ? null : json.getString("content", null);
    }

    int flags() {
      return json == null ? 0 : json.getInt("flags", 0);
    }

    public List<String> customIds() {
      List<String> ids = new ArrayList<>();
      if (json == null || !json.hasKey("components")) return ids;
      DataArray rows = json.getArray("components");
      for (int i = 0; i < rows.length(); i++) {
        DataArray row = rows.getObject(i).getArray("components");
        for (int j = 0; j < row.length(); j++) ids.add(row.getObject(j).getString("custom_id"));
      }
      return ids;
    }

    List<String> labels() {
      List<String> labels = new ArrayList<>();
      if (json == null || !json.hasKey("components")) return labels;
      DataArray rows = json.getArray("components");
      for (int i = 0; i < rows.length(); i++) {
        DataArray row = rows.getObject(i).getArray("components");
        for (int j = 0; j < row.length(); j++) labels.add(row.getObject(j).getString("label"));
      }
      return labels;
    }

    DataObject embed() {
      if (json == null || !json.hasKey("embeds") || json.getArray("embeds").isEmpty()) {
        return null;
      }
      return json.getArray("embeds").getObject(0);
    }

    /** The parse list of allowed_mentions, or null when the request set none. */
    List<Object> allowedParse() {
      if (json == null || !json.hasKey("allowed_mentions")) return null;
      return json.getObject("allowed_mentions").getArray("parse").toList();
    }
  }

  /** A decoded {@code files[n]} part. */
  record FileData(String field, String filename, byte[] bytes) {
    /** True when the file name's extension says what the bytes are (PNG or JPEG). */
    boolean nameMatchesBytes() {
      String name = filename == null ? "" : filename.toLowerCase(java.util.Locale.ROOT);
      boolean png =
          bytes.length > 3 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N';
      boolean jpeg = bytes.length > 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
      if (name.endsWith(".png")) return png;
      if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return jpeg;
      return false;
    }
  }

  /** Discord's upload limit per file when an interaction names none, and for channel messages. */
  static final long DEFAULT_ATTACHMENT_LIMIT = 10L * 1024 * 1024;

  /** Discord's limit on one request. */
  static final long REQUEST_LIMIT = 25L * 1024 * 1024;

  /** A sent interaction. */
  public record Interaction(long id, String token, long channelId) {}

  private record Injection(Predicate<Call> when, MockResponse response) {}

  private record Action(Predicate<Call> when, Runnable action) {}

  private final ConcurrentLinkedQueue<Action> actions = new ConcurrentLinkedQueue<>();

  /**
   * Runs {@code action} once, when the next call matching {@code when} arrives, before answering.
   */
  void onNext(Predicate<Call> when, Runnable action) {
    actions.add(new Action(when, action));
  }

  private static final Pattern CALLBACK = Pattern.compile("interactions/(\\d+)/([^/]+)/callback");
  private static final Pattern WEBHOOK =
      Pattern.compile("webhooks/(\\d+)/([^/?]+)(?:/messages/([^/?]+))?");
  private static final Pattern CHANNEL_MESSAGES =
      Pattern.compile("channels/(\\d+)/messages(?:/(\\d+))?");

  private final MockWebServer server = new MockWebServer();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicInteger snowflakeCounter = new AtomicInteger();
  private final Map<String, LinkedBlockingQueue<Call>> calls = new ConcurrentHashMap<>();
  private final List<Call> all = new CopyOnWriteArrayList<>();
  private final Map<String, Long> originals = new ConcurrentHashMap<>();
  private final Map<Long, DataObject> messages = new ConcurrentHashMap<>();
  private final Map<String, Instant> tokenCreated = new ConcurrentHashMap<>();
  private final Map<String, Long> tokenAttachmentLimits = new ConcurrentHashMap<>();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Set<Long> deniedChannels = ConcurrentHashMap.newKeySet();
  private volatile Clock clock = Clock.systemUTC();
  private final ConcurrentLinkedQueue<Injection> injections = new ConcurrentLinkedQueue<>();
  private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
  private volatile int shardTotal = 1;
  private final Map<Integer, WebSocket> shardSockets = new ConcurrentHashMap<>();
  private final List<String> refusedIdentifies = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Registration> commandRegistrations =
      new LinkedBlockingQueue<>();

  /** A PUT of the command list. */
  record Registration(String path, DataArray commands) {}

  final User bot = new User(APP_ID, "fakebot", false);

  public FakeDiscord() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return FakeDiscord.this.dispatch(request);
          }
        });
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The front-end's settings against this stand-in, with the given clock. */
  public DiscordConfig config(String guildId, Clock clock) {
    return new DiscordConfig("fake-token", guildId, restUrl(), gatewayUrl(), clock);
  }

  /** Every {@code kind} call for {@code key} until the one that ends the job (no Cancel button). */
  List<Call> editsUntilDone(String key, String kind) {
    List<Call> edits = new ArrayList<>();
    while (true) {
      Call edit = next(key, kind);
      edits.add(edit);
      if (edit.customIds().stream().noneMatch(id -> id.startsWith("cancel:"))) return edits;
    }
  }

  public String restUrl() {
    return server.url("/api/v10/").toString();
  }

  public String gatewayUrl() {
    return "ws://" + server.getHostName() + ":" + server.getPort() + "/gateway";
  }

  long snowflake() {
    return ((System.currentTimeMillis() - DISCORD_EPOCH) << 22)
        | (snowflakeCounter.incrementAndGet() & 0x3FFFFF);
  }

  // ---- what the test does -------------------------------------------------------------------

  /** Starts building a slash command. */
  public Slash slash(String name, User user) {
    return new Slash(name, user);
  }

  /** The clock that ages interactions (3-second acknowledgement, 15-minute tokens). */
  void useClock(Clock clock) {
    this.clock = clock;
  }

  /** The bot loses the right to send messages in a channel (403 Missing Permissions). */
  void denySending(long channelId) {
    deniedChannels.add(channelId);
  }

  /** The custom ids of the buttons on a message the bot made. */
  List<String> buttonsOn(long messageId) {
    DataObject message = messages.get(messageId);
    List<String> ids = new ArrayList<>();
    if (message == null || !message.hasKey("components")) return ids;
    DataArray rows = message.getArray("components");
    for (int i = 0; i < rows.length(); i++) {
      DataArray row = rows.getObject(i).optArray("components").orElse(DataArray.empty());
      for (int j = 0; j < row.length(); j++) {
        ids.add(row.getObject(j).getString("custom_id", ""));
      }
    }
    return ids;
  }

  /** Clicks a button the bot put on one of its messages; any other id is a test mistake. */
  Interaction click(User user, long messageId, String customId) {
    assertThat(buttonsOn(messageId)).as("buttons on message %s", messageId).contains(customId);
    return clickCrafted(user, messageId, customId);
  }

  /**
   * A click a modified client makes up: any custom id, on any message of the bot's. For the tests
   * that prove such a click does nothing.
   */
  Interaction clickCrafted(User user, long messageId, String customId) {
    DataObject message = messages.get(messageId);
    assertThat(message).as("message %s", messageId).isNotNull();
    long id = snowflake();
    String token = "click-" + id;
    boolean dm = message.getLong("channel_id") == DM_CHANNEL_ID;
    DataObject d = base(id, token, 3, user, dm, 0);
    d.put("message", message);
    tokenChannels.put(token, message.getLong("channel_id"));
    // For a component interaction, @original is the message the component is on.
    originals.put(token, messageId);
    d.put("data", DataObject.empty().put("component_type", 2).put("custom_id", customId));
    dispatchEvent("INTERACTION_CREATE", d);
    return new Interaction(id, token, message.getLong("channel_id"));
  }

  /** The next call made with this interaction token (or {@link #CHANNEL_KEY}), waiting 30 s. */
  Call next(String key) {
    try {
      Call call = queue(key).poll(30, TimeUnit.SECONDS);
      assertThat(call).as("a call for %s", key).isNotNull();
      return call;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next call of a kind for this key, skipping others. */
  Call next(String key, String kind) {
    while (true) {
      Call call = next(key);
      if (call.kind().equals(kind)) return call;
    }
  }

  /** Calls made for this key not yet taken. */
  List<Call> pending(String key) {
    return new ArrayList<>(queue(key));
  }

  public List<Call> all() {
    return List.copyOf(all);
  }

  /** Forgets registrations not taken yet. */
  void clearCommandRegistrations() {
    commandRegistrations.clear();
  }

  /** The next command registration. */
  Registration nextCommandRegistration() throws InterruptedException {
    return commandRegistrations.poll(10, TimeUnit.SECONDS);
  }

  long originalMessageId(String token) {
    return originals.getOrDefault(token, 0L);
  }

  DataObject message(long id) {
    return messages.get(id);
  }

  /** Every message of the bot's that exists now (deleted ones are gone). */
  List<DataObject> messages() {
    return List.copyOf(messages.values());
  }

  /** Answers the next call matching {@code when} with {@code response} instead. */
  void failNext(Predicate<Call> when, MockResponse response) {
    injections.add(new Injection(when, response));
  }

  static MockResponse rateLimited(int retryAfterSeconds) {
    return new MockResponse.Builder()
        .code(429)
        .setHeader("Content-Type", "application/json")
        .setHeader("Retry-After", retryAfterSeconds)
        .setHeader("Via", "1.1 google")
        .setHeader("X-RateLimit-Bucket", "fake-bucket")
        .setHeader("X-RateLimit-Scope", "user")
        .setHeader("X-RateLimit-Limit", 5)
        .setHeader("X-RateLimit-Remaining", 0)
        .setHeader("X-RateLimit-Reset-After", retryAfterSeconds)
        .body(
            "{\"message\":\"You are being rate limited.\",\"retry_after\":"
                + retryAfterSeconds
                + ",\"global\":false}")
        .build();
  }

  static MockResponse tooLarge() {
    return new MockResponse.Builder()
        .code(413)
        .setHeader("Content-Type", "application/json")
        .body("{\"message\":\"Request entity too large\",\"code\":40005}")
        .build();
  }

  /** Builds and sends a slash command. */
  public final class Slash {
    private final String name;
    private final User user;
    private final DataArray options = DataArray.empty();
    private String subcommand;
    private boolean dm;
    private long sizeLimit;
    private int type = 2;

    Slash(String name, User user) {
      this.name = name;
      this.user = user;
    }

    public Slash option(String option, String value) {
      options.add(DataObject.empty().put("name", option).put("type", 3).put("value", value));
      return this;
    }

    Slash option(String option, long value) {
      options.add(DataObject.empty().put("name", option).put("type", 4).put("value", value));
      return this;
    }

    Slash option(String option, boolean value) {
      options.add(DataObject.empty().put("name", option).put("type", 5).put("value", value));
      return this;
    }

    /** Makes this an autocomplete request with {@code option} focused. */
    Slash focus(String option, String value) {
      options.add(
          DataObject.empty()
              .put("name", option)
              .put("type", 3)
              .put("value", value)
              .put("focused", true));
      this.type = 4;
      return this;
    }

    Slash subcommand(String sub) {
      this.subcommand = sub;
      return this;
    }

    public Slash dm() {
      this.dm = true;
      return this;
    }

    Slash sizeLimit(long bytes) {
      this.sizeLimit = bytes;
      return this;
    }

    public Interaction send() {
      long id = snowflake();
      String token = "slash-" + id;
      DataObject d = base(id, token, type, user, dm, sizeLimit);
      tokenChannels.put(token, dm ? DM_CHANNEL_ID : CHANNEL_ID);
      DataArray opts = options;
      if (subcommand != null) {
        opts =
            DataArray.empty()
                .add(
                    DataObject.empty()
                        .put("name", subcommand)
                        .put("type", 1)
                        .put("options", options));
      }
      d.put(
          "data",
          DataObject.empty()
              .put("id", Long.toString(APP_ID + 100))
              .put("name", name)
              .put("type", 1)
              .put("options", opts));
      dispatchEvent("INTERACTION_CREATE", d);
      return new Interaction(id, token, dm ? DM_CHANNEL_ID : CHANNEL_ID);
    }
  }

  private DataObject base(long id, String token, int type, User user, boolean dm, long sizeLimit) {
    tokenCreated.put(token, clock.instant());
    DataObject d =
        DataObject.empty()
            .put("id", Long.toString(id))
            .put("application_id", Long.toString(APP_ID))
            .put("type", type)
            .put("token", token)
            .put("version", 1)
            .put("locale", "en-US")
            .put("app_permissions", MEMBER_PERMISSIONS)
            .put("entitlements", DataArray.empty());
    if (sizeLimit > 0) {
      d.put("attachment_size_limit", sizeLimit);
      tokenAttachmentLimits.put(token, sizeLimit);
    }
    if (dm) {
      d.put("channel_id", Long.toString(DM_CHANNEL_ID))
          .put(
              "channel",
              DataObject.empty()
                  .put("id", Long.toString(DM_CHANNEL_ID))
                  .put("type", 1)
                  .put("recipients", DataArray.empty().add(userJson(user))))
          .put("user", userJson(user))
          .put("context", 1)
          .put(
              "authorizing_integration_owners",
              DataObject.empty().put("0", Long.toString(user.id())));
    } else {
      d.put("guild_id", Long.toString(GUILD_ID))
          .put("channel_id", Long.toString(CHANNEL_ID))
          .put("guild_locale", "en-US")
          .put(
              "guild",
              DataObject.empty()
                  .put("id", Long.toString(GUILD_ID))
                  .put("locale", "en-US")
                  .put("features", DataArray.empty()))
          .put("channel", channelJson())
          .put(
              "member",
              DataObject.empty()
                  .put("user", userJson(user))
                  .put("roles", DataArray.empty())
                  .put("joined_at", "2026-01-01T00:00:00.000000+00:00")
                  .put("permissions", user.manager() ? MANAGER_PERMISSIONS : MEMBER_PERMISSIONS)
                  .put("deaf", false)
                  .put("mute", false)
                  .put("flags", 0))
          .put("context", 0)
          .put(
              "authorizing_integration_owners",
              DataObject.empty().put("0", Long.toString(GUILD_ID)));
    }
    return d;
  }

  private static DataObject userJson(User user) {
    return DataObject.empty()
        .put("id", Long.toString(user.id()))
        .put("username", user.name())
        .put("discriminator", "0")
        .putNull("avatar");
  }

  private static DataObject channelJson() {
    return DataObject.empty()
        .put("id", Long.toString(CHANNEL_ID))
        .put("type", 0)
        .put("guild_id", Long.toString(GUILD_ID))
        .put("name", "general")
        .put("position", 0)
        .put("permission_overwrites", DataArray.empty());
  }

  // ---- the gateway --------------------------------------------------------------------------

  /**
   * Discord recommends (in {@code GET /gateway/bot}) and requires {@code total} shards: an IDENTIFY
   * with another total, or a shard id outside it, is closed with 4010 "Invalid shard" as Discord
   * does; a guild's events go to shard {@code (guild_id >> 22) % total}, direct messages to 0.
   */
  public void shards(int total) {
    this.shardTotal = total;
  }

  /** The shard a guild lives on. */
  public int shardOf(long guildId) {
    return (int) ((guildId >> 22) % shardTotal);
  }

  /** The shards connected now, by id. */
  public java.util.Set<Integer> connectedShards() {
    return java.util.Set.copyOf(shardSockets.keySet());
  }

  /** IDENTIFY payloads refused, as {@code "[id, total]"}. */
  List<String> refusedIdentifies() {
    return List.copyOf(refusedIdentifies);
  }

  private MockResponse gatewayBot() {
    return json(
        200,
        DataObject.empty()
            .put("url", gatewayUrl())
            .put("shards", shardTotal)
            .put(
                "session_start_limit",
                DataObject.empty()
                    .put("total", 1000)
                    .put("remaining", 1000)
                    .put("reset_after", 0)
                    // Every shard may identify at once: JDA waits 5 s between buckets otherwise.
                    .put("max_concurrency", 16))
            .toString());
  }

  /** The shard an IDENTIFY names ([0, 1] when it names none), or -1 after refusing it. */
  private int identifiedShard(WebSocket ws, DataObject identify) {
    int id = 0;
    int total = 1;
    if (identify.hasKey("shard")) {
      DataArray shard = identify.getArray("shard");
      id = shard.getInt(0);
      total = shard.getInt(1);
    }
    if (total != shardTotal || id < 0 || id >= total) {
      refusedIdentifies.add("[" + id + ", " + total + "]");
      ws.close(4010, "Invalid shard");
      return -1;
    }
    return id;
  }

  private WebSocket socketFor(DataObject d) {
    boolean inGuild = d.hasKey("guild_id") && !d.isNull("guild_id");
    WebSocket ws = shardSockets.get(inGuild ? shardOf(d.getLong("guild_id")) : 0);
    assertThat(ws).as("the shard of this event is connected").isNotNull();
    return ws;
  }

  private void dispatchEvent(String type, DataObject d) {
    assertThat(sockets).as("a connected gateway").isNotEmpty();
    WebSocket ws = socketFor(d);
    ws.send(
        DataObject.empty()
            .put("op", 0)
            .put("t", type)
            .put("s", seq.incrementAndGet())
            .put("d", d)
            .toString());
  }

  private final class Gateway extends WebSocketListener {
    @Override
    public void onOpen(WebSocket ws, Response response) {
      ws.send("{\"op\":10,\"s\":null,\"t\":null,\"d\":{\"heartbeat_interval\":41250}}");
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      DataObject msg = DataObject.fromJson(text);
      int op = msg.getInt("op");
      if (op == 1) {
        ws.send("{\"op\":11}");
      } else if (op == 2) {
        int shard = identifiedShard(ws, msg.getObject("d"));
        if (shard < 0) return;
        boolean hasGuild = shard == shardOf(GUILD_ID);
        ws.send(frame("READY", ready(hasGuild)));
        if (hasGuild) ws.send(frame("GUILD_CREATE", guildCreate()));
        shardSockets.put(shard, ws);
        sockets.add(ws);
      }
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      sockets.remove(ws);
      shardSockets.values().remove(ws);
      ws.close(1000, null);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      sockets.remove(ws);
      shardSockets.values().remove(ws);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      sockets.remove(ws);
      shardSockets.values().remove(ws);
    }
  }

  private String frame(String type, DataObject d) {
    return DataObject.empty()
        .put("op", 0)
        .put("t", type)
        .put("s", seq.incrementAndGet())
        .put("d", d)
        .toString();
  }

  private DataObject ready(boolean hasGuild) {
    DataArray guilds = DataArray.empty();
    if (hasGuild) {
      guilds.add(DataObject.empty().put("id", Long.toString(GUILD_ID)).put("unavailable", true));
    }
    return DataObject.empty()
        .put("v", 10)
        .put("user", userJson(bot).put("bot", true))
        .put("guilds", guilds)
        .put("session_id", "fake-session")
        .put("resume_gateway_url", gatewayUrl())
        .put("private_channels", DataArray.empty())
        .put("application", DataObject.empty().put("id", Long.toString(APP_ID)).put("flags", 0));
  }

  private DataObject guildCreate() {
    DataObject colors =
        DataObject.empty()
            .put("primary_color", 0)
            .putNull("secondary_color")
            .putNull("tertiary_color");
    DataObject everyone =
        DataObject.empty()
            .put("id", Long.toString(GUILD_ID))
            .put("name", "@everyone")
            .put("position", 0)
            .put("permissions", MEMBER_PERMISSIONS)
            .put("managed", false)
            .put("hoist", false)
            .put("mentionable", false)
            .put("color", 0)
            .put("colors", colors);
    DataObject botMember =
        DataObject.empty()
            .put("user", userJson(bot).put("bot", true))
            .put("roles", DataArray.empty())
            .put("joined_at", "2026-01-01T00:00:00.000000+00:00")
            .put("deaf", false)
            .put("mute", false)
            .put("flags", 0);
    return DataObject.empty()
        .put("id", Long.toString(GUILD_ID))
        .put("name", "Fake Server")
        .put("owner_id", "1")
        .put("member_count", 2)
        .put("afk_timeout", 300)
        .put("features", DataArray.empty())
        .put("members", DataArray.empty().add(botMember))
        .put("roles", DataArray.empty().add(everyone))
        .put("channels", DataArray.empty().add(channelJson()))
        .put("threads", DataArray.empty())
        .put("guild_scheduled_events", DataArray.empty())
        .put("emojis", DataArray.empty())
        .put("stickers", DataArray.empty())
        .put("voice_states", DataArray.empty())
        .put("presences", DataArray.empty())
        .put("preferred_locale", "en-US")
        .put("verification_level", 0)
        .put("default_message_notifications", 0)
        .put("explicit_content_filter", 0)
        .put("mfa_level", 0)
        .put("nsfw_level", 0)
        .put("premium_tier", 0)
        .put("system_channel_flags", 0)
        .put("large", false);
  }

  // ---- REST ---------------------------------------------------------------------------------

  private MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    if (path.equals("/gateway")) {
      return new MockResponse.Builder().webSocketUpgrade(new Gateway()).build();
    }
    if (!path.startsWith("/api/v10/")) return json(404, "{\"message\":\"404: Not Found\"}");
    String route = path.substring("/api/v10/".length());
    String method = request.getMethod();
    if (route.equals("gateway/bot") && method.equals("GET")) return gatewayBot();
    Call call = record(request, method, route);
    for (Action a : actions) {
      if (a.when().test(call) && actions.remove(a)) a.action().run();
    }
    for (Injection injection : injections) {
      if (injection.when().test(call) && injections.remove(injection)) {
        add(call.token() == null ? CHANNEL_KEY : call.token(), withKind(call, "rejected"));
        return injection.response();
      }
    }
    MockResponse refused = refuse(call);
    if (refused != null) {
      add(call.token() == null ? CHANNEL_KEY : call.token(), withKind(call, "refused"));
      return refused;
    }
    // Answer first, so a test that sees the call also sees its effect.
    MockResponse response = answer(call);
    add(call.token() == null ? CHANNEL_KEY : call.token(), call);
    return response;
  }

  /** What Discord refuses before doing anything, with its own error codes. */
  private MockResponse refuse(Call call) {
    Instant now = clock.instant();
    if (call.token() != null) {
      Instant created = tokenCreated.get(call.token());
      if (call.kind().equals("callback")) {
        if (created != null && Duration.between(created, now).compareTo(ACK_WITHIN) > 0) {
          return json(404, "{\"message\":\"Unknown interaction\",\"code\":10062}");
        }
        if (!acknowledged.add(call.token())) {
          return json(
              400, "{\"message\":\"Interaction has already been acknowledged.\",\"code\":40060}");
        }
      } else if (created != null && Duration.between(created, now).compareTo(TOKEN_LIFE) > 0) {
        return json(401, "{\"message\":\"Invalid Webhook Token\",\"code\":50027}");
      } else if (created != null && !acknowledged.contains(call.token())) {
        // Discord makes an interaction's webhook only when the interaction is answered: before
        // that (or never, when the answer did not come in 3 seconds) followups and @original
        // calls find no webhook.
        return json(404, "{\"message\":\"Unknown Webhook\",\"code\":10015}");
      }
    }
    if (call.kind().equals("channel-send")
        && deniedChannels.contains(Long.parseLong(call.path().split("/")[1]))) {
      return json(403, "{\"message\":\"Missing Permissions\",\"code\":50013}");
    }
    if (!call.files().isEmpty()) {
      long limit =
          call.token() == null
              ? DEFAULT_ATTACHMENT_LIMIT
              : tokenAttachmentLimits.getOrDefault(call.token(), DEFAULT_ATTACHMENT_LIMIT);
      long total = 0;
      for (FileData f : call.files()) {
        total += f.bytes().length;
        if (f.bytes().length > limit) return tooLarge();
      }
      if (total > REQUEST_LIMIT) return tooLarge();
    }
    DataObject json = call.json();
    if (json != null && json.hasKey("data") && call.kind().equals("callback")) {
      json = json.optObject("data").orElse(null);
    }
    String problem = json == null ? null : formProblem(json);
    if (problem == null && call.files().size() > 10) problem = "files: at most 10";
    if (problem != null) {
      return json(
          400,
          DataObject.empty()
              .put("message", "Invalid Form Body")
              .put("code", 50035)
              .put("errors", DataObject.empty().put("_problem", problem))
              .toString());
    }
    return null;
  }

  private static String formProblem(DataObject json) {
    if (json.getString("content", "").length() > 2000) return "content: at most 2000";
    if (json.hasKey("embeds")) {
      int total = 0;
      DataArray embeds = json.getArray("embeds");
      if (embeds.length() > 10) return "embeds: at most 10";
      for (int i = 0; i < embeds.length(); i++) {
        DataObject e = embeds.getObject(i);
        if (e.getString("title", "").length() > 256) return "embeds.title: at most 256";
        if (e.getString("description", "").length() > 4096) {
          return "embeds.description: at most 4096";
        }
        DataArray fields = e.optArray("fields").orElse(DataArray.empty());
        if (fields.length() > 25) return "embeds.fields: at most 25";
        for (int f = 0; f < fields.length(); f++) {
          if (fields.getObject(f).getString("name", "").length() > 256) {
            return "embeds.fields.name: at most 256";
          }
          if (fields.getObject(f).getString("value", "").length() > 1024) {
            return "embeds.fields.value: at most 1024";
          }
        }
        total += embedLength(e);
      }
      if (total > 6000) return "embeds: at most 6000 characters in all";
    }
    if (json.hasKey("components")) {
      DataArray rows = json.getArray("components");
      if (rows.length() > 5) return "components: at most 5 rows";
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < rows.length(); i++) {
        DataArray row = rows.getObject(i).optArray("components").orElse(DataArray.empty());
        if (row.length() > 5) return "components: at most 5 buttons a row";
        for (int j = 0; j < row.length(); j++) {
          String id = row.getObject(j).getString("custom_id", "");
          if (id.isEmpty() || id.length() > 100) return "custom_id: 1 to 100 characters";
          if (!seen.add(id)) return "custom_id: each once per message";
          if (row.getObject(j).getString("label", "").length() > 80) return "label: at most 80";
        }
      }
    }
    if (json.hasKey("attachments") && json.getArray("attachments").length() > 10) {
      return "attachments: at most 10";
    }
    return null;
  }

  private static int embedLength(DataObject e) {
    int n = e.getString("title", "").length() + e.getString("description", "").length();
    n += e.optObject("footer").map(f -> f.getString("text", "").length()).orElse(0);
    n += e.optObject("author").map(a -> a.getString("name", "").length()).orElse(0);
    DataArray fields = e.optArray("fields").orElse(DataArray.empty());
    for (int i = 0; i < fields.length(); i++) {
      DataObject f = fields.getObject(i);
      n += f.getString("name", "").length() + f.getString("value", "").length();
    }
    return n;
  }

  private static Call withKind(Call c, String kind) {
    return new Call(
        c.method(), c.path(), c.token(), kind, c.messageId(), c.json(), c.files(), c.raw());
  }

  private void add(String key, Call call) {
    all.add(call);
    queue(key).add(call);
  }

  private LinkedBlockingQueue<Call> queue(String key) {
    return calls.computeIfAbsent(key, k -> new LinkedBlockingQueue<>());
  }

  private Call record(RecordedRequest request, String method, String route) {
    DataObject json = null;
    String raw = "";
    List<FileData> files = new ArrayList<>();
    String type = request.getHeaders().get("Content-Type");
    if (request.getBody() != null && request.getBody().size() > 0) {
      if (type != null && type.startsWith("multipart/form-data")) {
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
        try (MultipartReader reader =
            new MultipartReader(new Buffer().write(request.getBody()), boundary)) {
          MultipartReader.Part part;
          while ((part = reader.nextPart()) != null) {
            String disposition = part.headers().get("Content-Disposition");
            String name = param(disposition, "name");
            byte[] bytes = part.body().readByteArray();
            if ("payload_json".equals(name)) {
              json =
                  DataObject.fromJson(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            } else {
              files.add(new FileData(name, param(disposition, "filename"), bytes));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        raw = request.getBody().utf8();
        if (raw.startsWith("{")) json = DataObject.fromJson(raw);
      }
    }
    Matcher m;
    if ((m = CALLBACK.matcher(route)).matches()) {
      return new Call(method, route, m.group(2), "callback", 0, json, files, raw);
    }
    if ((m = WEBHOOK.matcher(route)).matches()) {
      String token = m.group(2);
      String target = m.group(3);
      long messageId =
          target == null
              ? snowflake()
              : target.equals("@original") ? originalMessageId(token) : Long.parseLong(target);
      String kind;
      if (target == null) kind = "followup";
      else if (method.equals("GET")) kind = "get";
      else if (method.equals("DELETE")) kind = "delete";
      else kind = "edit";
      return new Call(method, route, token, kind, messageId, json, files, raw);
    }
    if ((m = CHANNEL_MESSAGES.matcher(route)).matches()) {
      long messageId = m.group(2) == null ? snowflake() : Long.parseLong(m.group(2));
      String kind =
          method.equals("POST")
              ? "channel-send"
              : method.equals("DELETE") ? "channel-delete" : "channel-edit";
      return new Call(method, route, null, kind, messageId, json, files, raw);
    }
    return new Call(method, route, null, "other", 0, json, files, raw);
  }

  private static String param(String disposition, String name) {
    if (disposition == null) return null;
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(disposition);
    return m.find() ? m.group(1) : null;
  }

  private MockResponse answer(Call call) {
    String route = call.path();
    if (route.equals("users/@me") && call.method().equals("GET")) {
      return json(
          200,
          userJson(bot)
              .put("bot", true)
              .put("verified", true)
              .put("mfa_enabled", false)
              .toString());
    }
    if (route.equals("users/@me/channels") && call.method().equals("POST")) {
      return json(
          200,
          DataObject.empty()
              .put("id", Long.toString(DM_CHANNEL_ID))
              .put("type", 1)
              .put("recipients", DataArray.empty())
              .toString());
    }
    if (route.startsWith("applications/")
        && route.endsWith("/commands")
        && call.method().equals("PUT")) {
      commandRegistrations.add(new Registration(route, DataArray.fromJson(call.raw())));
      return json(200, "[]");
    }
    switch (call.kind()) {
      case "callback":
        {
          int type = call.json().getInt("type");
          if (type == 5) {
            long id = snowflake();
            long channel = channelOfToken(call.token());
            originals.put(call.token(), id);
            // A deferred ephemeral reply is an ephemeral message, as Discord flags it.
            int flags = call.json().optObject("data").map(d -> d.getInt("flags", 0)).orElse(0);
            messages.put(id, messageJson(id, channel, "", flags));
          }
          return new MockResponse.Builder().code(204).build();
        }
      case "get":
      case "edit":
        {
          DataObject msg = messages.get(call.messageId());
          if (msg == null) return json(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
          if (call.kind().equals("edit") && call.json() != null && call.json().hasKey("content")) {
            msg.put("content", call.json().getString("content"));
          }
          if (call.kind().equals("edit") && call.json() != null) keepComponents(msg, call.json());
          return json(200, msg.toString());
        }
      case "delete":
      case "channel-delete":
        messages.remove(call.messageId());
        return new MockResponse.Builder().code(204).build();
      case "followup":
      case "channel-send":
        {
          long id = call.messageId();
          long channel =
              call.kind().equals("followup")
                  ? channelOfToken(call.token())
                  : Long.parseLong(call.path().split("/")[1]);
          DataObject msg =
              messageJson(
                  id,
                  channel,
                  call.json() == null ? "" : call.json().getString("content", ""),
                  call.flags());
          if (call.json() != null) keepComponents(msg, call.json());
          messages.put(id, msg);
          return json(200, msg.toString());
        }
      case "channel-edit":
        {
          DataObject msg = messages.get(call.messageId());
          if (msg == null) return json(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
          if (call.json() != null && call.json().hasKey("content")) {
            msg.put("content", call.json().getString("content"));
          }
          if (call.json() != null) keepComponents(msg, call.json());
          return json(200, msg.toString());
        }
      default:
        return json(404, "{\"message\":\"404: Not Found\",\"code\":0}");
    }
  }

  private final Map<String, Long> tokenChannels = new ConcurrentHashMap<>();

  /** Discord's window for the first answer to an interaction. */
  static final Duration ACK_WITHIN = Duration.ofSeconds(3);

  /** How long an interaction token may be used for followups and edits. */
  static final Duration TOKEN_LIFE = Duration.ofMinutes(15);

  private static void keepComponents(DataObject msg, DataObject body) {
    if (body.hasKey("components")) msg.put("components", body.getArray("components"));
  }

  private long channelOfToken(String token) {
    return tokenChannels.getOrDefault(token, CHANNEL_ID);
  }

  private DataObject messageJson(long id, long channel, String content, int flags) {
    DataObject m =
        DataObject.empty()
            .put("id", Long.toString(id))
            .put("channel_id", Long.toString(channel))
            .put("author", userJson(bot).put("bot", true))
            .put("content", content)
            .put("timestamp", "2026-01-01T00:00:00.000000+00:00")
            .putNull("edited_timestamp")
            .put("tts", false)
            .put("mention_everyone", false)
            .put("mentions", DataArray.empty())
            .put("mention_roles", DataArray.empty())
            .put("attachments", DataArray.empty())
            .put("embeds", DataArray.empty())
            .put("components", DataArray.empty())
            .put("pinned", false)
            .put("type", 0)
            .put("flags", flags);
    if (channel == CHANNEL_ID) m.put("guild_id", Long.toString(GUILD_ID));
    return m;
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Override
  public void close() {
    // A server-side socket has no call to cancel: close it with a frame instead.
    for (WebSocket ws : sockets) ws.close(1001, "closing");
    server.close();
  }
}
