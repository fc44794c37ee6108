package dev.imaginebot.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okio.Buffer;

/**
 * A Telegram Bot API stand-in on MockWebServer for the methods the bot uses, with real Message and
 * error shapes, a {@code getUpdates} that is held until an update arrives or the timeout ends, and
 * a test-side user ({@link #send}, {@link #press}, {@link #chatLog}). Switches inject "message is
 * not modified", 429 with {@code retry_after}, and photo size failures.
 *
 * <p>As strict as Telegram where the bot could go wrong: text over 4096 characters (or empty),
 * captions over 1024, {@code callback_data} over 64 bytes or a button without text, more than 100
 * buttons, a press answered twice, and messages to a user who never started the bot or blocked it,
 * or to a group the bot was removed from (403), are refused with Telegram's errors. It applies
 * Telegram's flood limits itself ({@link FloodLimits}: new messages beyond about one a second in a
 * private chat, twenty a minute in a group or thirty a second overall get 429 with {@code
 * retry_after}), measured on a clock a test can set ({@link #clock}); it answers 409 to a {@code
 * getUpdates} that a newer one replaces (two pollers) or that comes while a webhook is set; and a
 * group upgraded to a supergroup ({@link #migrate}) refuses every call for its old id with 400 and
 * {@code migrate_to_chat_id}. A test presses only buttons the bot really sent ({@link #press}); a
 * crafted callback, as a modified client can send, goes through {@link #pressCrafted}, which the
 * security tests alone use.
 */
public final class FakeTelegramBotApi implements AutoCloseable {
  public static final String TOKEN = "4242:AAFakeSecretTokenForTests";
  static final long BOT_ID = 4242;
  static final String NOT_MODIFIED =
      "Bad Request: message is not modified: specified new message content and reply markup are"
          + " exactly the same as a current content and reply markup of the message";

  private static final Pattern DISPOSITION_NAME = Pattern.compile("name=\"([^\"]*)\"");

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final String botUsername;

  private final Object updatesLock = new Object();
  private final List<ObjectNode> pendingUpdates = new ArrayList<>();
  private int nextUpdateId = 1;
  private int confirmedUpdateId;
  private volatile java.util.function.IntConsumer onConfirm = id -> {};
  private boolean closed;

  private final AtomicInteger nextMessageId = new AtomicInteger(100);
  private final AtomicInteger nextCallbackId = new AtomicInteger(1);
  private final AtomicInteger nextMediaGroup = new AtomicInteger(1);
  private final Map<Long, List<ChatMessage>> chats = new ConcurrentHashMap<>();
  private final Map<Long, Map<Long, String>> members = new ConcurrentHashMap<>();
  private final Map<Long, List<String>> chatActions = new ConcurrentHashMap<>();
  private final List<ApiCall> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Injected>> injected = new ConcurrentHashMap<>();
  private final BlockingQueue<CallbackAnswer> answers = new LinkedBlockingQueue<>();
  private final List<CommandMenu> commandMenus = new CopyOnWriteArrayList<>();
  private final List<String> requestPaths = new CopyOnWriteArrayList<>();
  private final List<String> pollHosts = new CopyOnWriteArrayList<>();
  private volatile long photoByteLimit = 10L * 1000 * 1000;
  private volatile List<String> webhook;
  private final Set<Long> startedUsers = ConcurrentHashMap.newKeySet();
  private final Set<Long> blockedUsers = ConcurrentHashMap.newKeySet();
  private final Set<Long> kickedFrom = ConcurrentHashMap.newKeySet();
  private final Set<String> openCallbacks = ConcurrentHashMap.newKeySet();
  private final Map<Long, Long> migratedTo = new ConcurrentHashMap<>();
  private volatile Clock clock = Clock.systemUTC();
  private volatile FloodLimits floodLimits = FloodLimits.TELEGRAM;
  private final Object floodLock = new Object();
  private final Map<Long, Deque<Instant>> sentPerChat = new HashMap<>();
  private final Deque<Instant> sentOverall = new ArrayDeque<>();
  private long pollGeneration;

  /**
   * Telegram's flood limits on new messages (sendMessage, sendPhoto, sendMediaGroup, sendDocument;
   * edits are not counted): at most {@code perPrivateChat} per second in one private chat, {@code
   * perGroupPerMinute} per minute in one group, {@code overallPerSecond} per second in all.
   */
  public record FloodLimits(int perPrivateChat, int perGroupPerMinute, int overallPerSecond) {
    /** The limits Telegram's FAQ gives. */
    static final FloodLimits TELEGRAM = new FloodLimits(1, 20, 30);

    /** No limits, for tests about something else that send faster than Telegram allows. */
    public static final FloodLimits NONE =
        new FloodLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** A clock the test moves by hand. Thread-safe. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** One Bot API call the bot made. */
  record ApiCall(String method, Instant at, int status, String description) {}

  /**
   * One {@code setMyCommands} call: scope type ({@code default} when none was sent), language code
   * (null when none) and the commands with their descriptions, in order.
   */
  record CommandMenu(String scope, String languageCode, Map<String, String> commands) {
    List<String> names() {
      return List.copyOf(commands.keySet());
    }
  }

  /** An answerCallbackQuery the bot sent. */
  record CallbackAnswer(String callbackQueryId, String text, boolean showAlert) {}

  private record Injected(int code, String description, Integer retryAfter) {}

  private record Part(String name, String fileName, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  public FakeTelegramBotApi(String botUsername) {
    this.botUsername = botUsername;
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            return FakeTelegramBotApi.this.dispatch(request);
          }
        });
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public String host() {
    return server.getHostName();
  }

  TelegramConfig config() {
    return TelegramConfig.of(TOKEN)
        .withApi("http", host(), port())
        .withPollTimeout(Duration.ofSeconds(1))
        .withEditIntervals(Duration.ofMillis(100), Duration.ofMillis(400));
  }

  @Override
  public void close() {
    synchronized (updatesLock) {
      closed = true;
      updatesLock.notifyAll();
    }
    server.close();
  }

  // ---- switches ----

  /** Flood limits from now on ({@link FloodLimits#TELEGRAM} unless a test sets others). */
  public void floodLimits(FloodLimits limits) {
    floodLimits = limits;
  }

  /** The clock flood limits are measured on (the system clock unless a test sets one). */
  void clock(Clock clock) {
    this.clock = clock;
  }

  /**
   * The group {@code oldChatId} is upgraded to the supergroup {@code newChatId}: from now on every
   * call for the old id fails with 400 and {@code parameters.migrate_to_chat_id}, as Telegram's do.
   * The new chat starts empty (its messages have new ids).
   */
  void migrate(long oldChatId, long newChatId) {
    migratedTo.put(oldChatId, newChatId);
  }

  /** The next call of {@code method} fails with this Telegram error. */
  void failNext(String method, int code, String description, Integer retryAfter) {
    injected
        .computeIfAbsent(method.toLowerCase(Locale.ROOT), k -> new ArrayDeque<>())
        .add(new Injected(code, description, retryAfter));
  }

  void notModifiedNext(String method) {
    failNext(method, 400, NOT_MODIFIED, null);
  }

  void rateLimitNext(String method, int retryAfterSeconds) {
    failNext(method, 429, "Too Many Requests: retry after " + retryAfterSeconds, retryAfterSeconds);
  }

  /** Photos above this many bytes are refused with 413, as Telegram refuses photos over 10 MB. */
  void photoByteLimit(long bytes) {
    photoByteLimit = bytes;
  }

  /** The bot is removed from a group: every call to it fails with 403 from now on. */
  void kick(long chatId) {
    kickedFrom.add(chatId);
  }

  /** The user blocks the bot: every call to their private chat fails with 403 from now on. */
  void block(long userId) {
    blockedUsers.add(userId);
  }

  void setMember(long chatId, long userId, String status) {
    members.computeIfAbsent(chatId, k -> new ConcurrentHashMap<>()).put(userId, status);
  }

  // ---- the user's side ----

  /** The user sends text to a chat (a private chat when {@code chatId == userId}). */
  int send(long chatId, long userId, String text) {
    return send(chatId, userId, text, null);
  }

  /** The user sends text replying to a message. */
  int send(long chatId, long userId, String text, Integer replyTo) {
    ObjectNode message = userMessage(chatId, userId, text, replyTo);
    addUpdate("message", message);
    return message.path("message_id").asInt();
  }

  /**
   * The user sends text, but instead of queueing it for getUpdates the update is returned as the
   * JSON Telegram would POST to a webhook.
   */
  public String webhookUpdate(long chatId, long userId, String text) {
    ObjectNode update = json.createObjectNode();
    synchronized (updatesLock) {
      update.put("update_id", nextUpdateId++);
    }
    update.set("message", userMessage(chatId, userId, text, null));
    return update.toString();
  }

  /**
   * Calls {@code listener} with each delivered update's id at the moment the bot confirms it (its
   * next {@code getUpdates} offset passes it), on the fake's thread, before answering that call.
   */
  void onConfirm(java.util.function.IntConsumer listener) {
    this.onConfirm = listener;
  }

  /** The webhook URL and secret token the bot set, or null. */
  public List<String> webhook() {
    return webhook;
  }

  /** The user opens a private chat with the bot and presses Start, without saying more. */
  void start(long userId) {
    startedUsers.add(userId);
  }

  private ObjectNode userMessage(long chatId, long userId, String text, Integer replyTo) {
    // Writing to the bot in private is what lets the bot write back.
    if (chatId == userId) startedUsers.add(userId);
    ChatMessage m = new ChatMessage(nextMessageId.incrementAndGet(), chatId, userId, false);
    m.texts.add(text);
    m.replyTo = replyTo;
    chat(chatId).add(m);
    ObjectNode message = messageJson(m);
    if (text.startsWith("/")) {
      int end = text.indexOf(' ');
      ArrayNode entities = message.putArray("entities");
      entities
          .addObject()
          .put("offset", 0)
          .put("length", end < 0 ? text.length() : end)
          .put("type", "bot_command");
    }
    return message;
  }

  /**
   * The user presses an inline button the bot sent under a message; returns the callback query id.
   * A button that is not on that message (any more) is a test mistake, not a press.
   */
  String press(long chatId, long userId, int messageId, String data) {
    ChatMessage m = find(chatId, messageId);
    if (m == null || !m.fromBot || m.deleted) {
      throw new AssertionError("no message " + messageId + " from the bot in chat " + chatId);
    }
    if (!m.buttonData().contains(data)) {
      throw new AssertionError(
          "message " + messageId + " has no button " + data + ", only " + m.buttonData());
    }
    return callback(m, userId, data);
  }

  /**
   * A callback a modified client makes up: any data, under any message of the bot's in the chat.
   * For the tests that prove such a press does nothing.
   */
  String pressCrafted(long chatId, long userId, int messageId, String data) {
    ChatMessage m = find(chatId, messageId);
    if (m == null || !m.fromBot) {
      throw new AssertionError("no message " + messageId + " from the bot in chat " + chatId);
    }
    return callback(m, userId, data);
  }

  private String callback(ChatMessage m, long userId, String data) {
    String id = "cb" + nextCallbackId.incrementAndGet();
    openCallbacks.add(id);
    ObjectNode query = json.createObjectNode();
    query.put("id", id);
    query.set("from", userJson(userId));
    query.set("message", messageJson(m));
    query.put("chat_instance", "ci" + m.chatId);
    query.put("data", data);
    addUpdate("callback_query", query);
    return id;
  }

  /** The answer to a button press, waiting up to 10 s. */
  CallbackAnswer awaitAnswer(String callbackQueryId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<CallbackAnswer> others = new ArrayList<>();
    try {
      while (true) {
        CallbackAnswer a = answers.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (a == null) throw new AssertionError("no answer to callback " + callbackQueryId);
        if (a.callbackQueryId().equals(callbackQueryId)) return a;
        others.add(a);
      }
    } finally {
      answers.addAll(others);
    }
  }

  /**
   * Everything in a chat, oldest first, as the user sees it (deleted messages included, marked).
   */
  List<ChatMessage> chatLog(long chatId) {
    return List.copyOf(chat(chatId));
  }

  /** The messages the bot sent to a chat that are still there. */
  public List<ChatMessage> botMessages(long chatId) {
    return chat(chatId).stream().filter(m -> m.fromBot && !m.deleted).toList();
  }

  List<String> chatActions(long chatId) {
    return List.copyOf(chatActions.computeIfAbsent(chatId, k -> new CopyOnWriteArrayList<>()));
  }

  List<ApiCall> calls() {
    return List.copyOf(calls);
  }

  List<ApiCall> calls(String method) {
    String m = method.toLowerCase(Locale.ROOT);
    return calls.stream().filter(c -> c.method().equals(m)).toList();
  }

  List<CommandMenu> commandMenus() {
    return List.copyOf(commandMenus);
  }

  List<String> requestPaths() {
    return List.copyOf(requestPaths);
  }

  /**
   * How many {@code getUpdates} calls came with this {@code Host} header: instances pointed at the
   * fake under different host names ({@code 127.0.0.1}, {@code localhost}) tell who polled.
   */
  long polls(String host) {
    return pollHosts.stream().filter(h -> h.equalsIgnoreCase(host)).count();
  }

  private void recordPoller(String method, RecordedRequest request) {
    if (!method.equals("getupdates")) return;
    String host = request.getHeaders().get("Host");
    int colon = host == null ? -1 : host.lastIndexOf(':');
    pollHosts.add(host == null ? "?" : colon < 0 ? host : host.substring(0, colon));
  }

  // ---- the server ----

  private MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    requestPaths.add(path);
    String prefix = "/bot" + TOKEN + "/";
    if (!path.startsWith(prefix)) {
      return error("?", 401, "Unauthorized", null);
    }
    String method = path.substring(prefix.length()).toLowerCase(Locale.ROOT);
    recordPoller(method, request);
    Map<String, Part> parts;
    JsonNode params;
    try {
      parts = multipart(request);
      params = parts == null ? body(request) : json.createObjectNode();
    } catch (IOException e) {
      return error(method, 400, "Bad Request: unreadable body", null);
    }
    if (parts != null) {
      ObjectNode p = (ObjectNode) params;
      for (Part part : parts.values()) {
        if (part.fileName() == null) p.put(part.name(), part.text());
      }
    }
    MockResponse refused = refuse(method, params);
    if (refused != null) return refused;
    if (!method.equals("getupdates")) {
      Deque<Injected> queue = injected.get(method);
      Injected failure = queue == null ? null : queue.poll();
      if (failure != null) {
        return error(method, failure.code(), failure.description(), failure.retryAfter());
      }
    }
    switch (method) {
      case "getme":
        return ok(method, botJson().put("can_join_groups", true));
      case "deletewebhook":
      case "setmycommands":
        if (method.equals("deletewebhook")) webhook = null;
        if (method.equals("setmycommands")) {
          Map<String, String> commands = new LinkedHashMap<>();
          for (JsonNode c : params.path("commands")) {
            commands.put(c.path("command").asText(), c.path("description").asText());
          }
          JsonNode language = params.path("language_code");
          commandMenus.add(
              new CommandMenu(
                  params.path("scope").path("type").asText("default"),
                  language.isMissingNode() || language.isNull() ? null : language.asText(),
                  Collections.unmodifiableMap(commands)));
        }
        return ok(method, json.getNodeFactory().booleanNode(true));
      case "getupdates":
        return getUpdates(params);
      case "setwebhook":
        webhook = List.of(params.path("url").asText(), params.path("secret_token").asText());
        return ok(method, json.getNodeFactory().booleanNode(true));
      case "sendmessage":
        return sendMessage(params);
      case "editmessagetext":
      case "editmessagereplymarkup":
        return edit(method, params);
      case "sendphoto":
        return sendPhoto(params, parts);
      case "sendmediagroup":
        return sendMediaGroup(params, parts);
      case "senddocument":
        return sendDocument(params, parts);
      case "sendchataction":
        chatActions
            .computeIfAbsent(params.path("chat_id").asLong(), k -> new CopyOnWriteArrayList<>())
            .add(params.path("action").asText());
        return ok(method, json.getNodeFactory().booleanNode(true));
      case "answercallbackquery":
        answers.add(
            new CallbackAnswer(
                params.path("callback_query_id").asText(),
                params.hasNonNull("text") ? params.path("text").asText() : null,
                params.path("show_alert").asBoolean(false)));
        return ok(method, json.getNodeFactory().booleanNode(true));
      case "deletemessage":
        {
          ChatMessage m = find(params.path("chat_id").asLong(), params.path("message_id").asInt());
          if (m == null || m.deleted) {
            return error(method, 400, "Bad Request: message to delete not found", null);
          }
          m.deleted = true;
          return ok(method, json.getNodeFactory().booleanNode(true));
        }
      case "getchatmember":
        return getChatMember(params);
      default:
        return error(method, 404, "Not Found: method not found", null);
    }
  }

  /** What Telegram refuses before doing anything, with its own error texts. */
  private MockResponse refuse(String method, JsonNode p) {
    if (p.hasNonNull("chat_id") && migratedTo.containsKey(p.path("chat_id").asLong())) {
      return error(
          method,
          400,
          "Bad Request: group chat was upgraded to a supergroup chat",
          null,
          migratedTo.get(p.path("chat_id").asLong()));
    }
    if (p.hasNonNull("chat_id") && !method.equals("getchatmember")) {
      long chatId = p.path("chat_id").asLong();
      if (chatId < 0 && kickedFrom.contains(chatId)) {
        return error(method, 403, "Forbidden: bot was kicked from the group chat", null);
      }
      if (chatId > 0 && blockedUsers.contains(chatId)) {
        return error(method, 403, "Forbidden: bot was blocked by the user", null);
      }
      if (chatId > 0 && !startedUsers.contains(chatId)) {
        return error(method, 403, "Forbidden: bot can't initiate conversation with a user", null);
      }
    }
    if (method.equals("answercallbackquery")
        && !openCallbacks.remove(p.path("callback_query_id").asText())) {
      // Each press is answered once; Telegram forgets it after that.
      return error(
          method,
          400,
          "Bad Request: query is too old and response timeout expired or query ID is invalid",
          null);
    }
    if (method.equals("sendmessage") || method.equals("editmessagetext")) {
      String text = p.path("text").asText("");
      if (text.isBlank()) return error(method, 400, "Bad Request: message text is empty", null);
      if (text.length() > 4096) return error(method, 400, "Bad Request: message is too long", null);
    }
    if (p.hasNonNull("caption") && p.path("caption").asText().length() > 1024) {
      return error(method, 400, "Bad Request: message caption is too long", null);
    }
    JsonNode media = p.hasNonNull("media") ? jsonOrNull(p.path("media").asText(null)) : null;
    if (media != null && media.isArray()) {
      for (JsonNode item : media) {
        if (item.path("caption").asText("").length() > 1024) {
          return error(method, 400, "Bad Request: message caption is too long", null);
        }
      }
    }
    JsonNode markup = p.get("reply_markup");
    if (markup != null && markup.isTextual()) markup = jsonOrNull(markup.asText());
    if (markup != null) {
      int count = 0;
      for (JsonNode row : markup.path("inline_keyboard")) {
        for (JsonNode b : row) {
          count++;
          byte[] data = b.path("callback_data").asText("").getBytes(StandardCharsets.UTF_8);
          if (data.length < 1 || data.length > 64 || b.path("text").asText("").isEmpty()) {
            return error(method, 400, "Bad Request: BUTTON_DATA_INVALID", null);
          }
        }
      }
      if (count > 100) return error(method, 400, "Bad Request: too many inline buttons", null);
    }
    return null;
  }

  /**
   * Telegram's flood control for a new message that is otherwise fine (called last, so a refused
   * one does not count): counts it, or answers 429 with the seconds until the oldest message in the
   * full window leaves it.
   */
  private MockResponse flood(String method, JsonNode p) {
    long chatId = p.path("chat_id").asLong();
    FloodLimits limits = floodLimits;
    Instant now = clock.instant();
    synchronized (floodLock) {
      Deque<Instant> chat = sentPerChat.computeIfAbsent(chatId, k -> new ArrayDeque<>());
      Duration chatWindow = chatId < 0 ? Duration.ofMinutes(1) : Duration.ofSeconds(1);
      int chatMax = chatId < 0 ? limits.perGroupPerMinute() : limits.perPrivateChat();
      Duration wait = waitFor(chat, now, chatWindow, chatMax);
      Duration overall =
          waitFor(sentOverall, now, Duration.ofSeconds(1), limits.overallPerSecond());
      if (overall.compareTo(wait) > 0) wait = overall;
      if (!wait.isZero()) {
        int seconds = (int) Math.max(1, (wait.toMillis() + 999) / 1000);
        return error(method, 429, "Too Many Requests: retry after " + seconds, seconds);
      }
      chat.addLast(now);
      sentOverall.addLast(now);
    }
    return null;
  }

  /** How long until one more fits in {@code sent} (dropping what left the window); zero: now. */
  private static Duration waitFor(Deque<Instant> sent, Instant now, Duration window, int max) {
    while (!sent.isEmpty() && !sent.peekFirst().plus(window).isAfter(now)) sent.pollFirst();
    if (sent.size() < max) return Duration.ZERO;
    // The (size - max + 1)-th oldest has to leave before one more fits.
    Instant[] times = sent.toArray(new Instant[0]);
    return Duration.between(now, times[sent.size() - max].plus(window));
  }

  private MockResponse getUpdates(JsonNode params) throws InterruptedException {
    int offset = params.path("offset").asInt(0);
    int timeout = params.path("timeout").asInt(0);
    ArrayNode result = json.createArrayNode();
    if (webhook != null) {
      return error(
          "getupdates",
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to"
              + " delete the webhook first",
          null);
    }
    synchronized (updatesLock) {
      // A newer getUpdates ends the one being held, as Telegram ends it for two pollers.
      long mine = ++pollGeneration;
      updatesLock.notifyAll();
      for (int id = confirmedUpdateId + 1; id < offset; id++) {
        for (ObjectNode u : pendingUpdates) {
          if (u.path("update_id").asInt() == id) onConfirm.accept(id);
        }
      }
      confirmedUpdateId = Math.max(confirmedUpdateId, offset - 1);
      pendingUpdates.removeIf(u -> u.path("update_id").asInt() <= confirmedUpdateId);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
      while (pendingUpdates.isEmpty() && !closed) {
        if (pollGeneration != mine) {
          return error(
              "getupdates",
              409,
              "Conflict: terminated by other getUpdates request; make sure that only one bot"
                  + " instance is running",
              null);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) break;
        TimeUnit.NANOSECONDS.timedWait(updatesLock, left);
      }
      pendingUpdates.forEach(result::add);
    }
    return ok("getupdates", result);
  }

  private MockResponse sendMessage(JsonNode p) {
    MockResponse flooded = flood("sendmessage", p);
    if (flooded != null) return flooded;
    long chatId = p.path("chat_id").asLong();
    ChatMessage m = new ChatMessage(nextMessageId.incrementAndGet(), chatId, BOT_ID, true);
    m.texts.add(p.path("text").asText());
    m.replyTo = replyTo(p);
    m.buttons = buttons(p.get("reply_markup"));
    chat(chatId).add(m);
    return ok("sendmessage", messageJson(m));
  }

  private MockResponse edit(String method, JsonNode p) {
    ChatMessage m = find(p.path("chat_id").asLong(), p.path("message_id").asInt());
    if (m == null || m.deleted) {
      return error(method, 400, "Bad Request: message to edit not found", null);
    }
    String text = method.equals("editmessagetext") ? p.path("text").asText() : m.text();
    List<List<String[]>> buttons = buttons(p.get("reply_markup"));
    synchronized (m) {
      if (text.equals(m.text()) && buttons.equals(m.buttons)) {
        return error(method, 400, NOT_MODIFIED, null);
      }
      if (!text.equals(m.text())) m.texts.add(text);
      m.buttons = buttons;
      m.edited = true;
    }
    return ok(method, messageJson(m));
  }

  private MockResponse sendPhoto(JsonNode p, Map<String, Part> parts) {
    if (parts == null) return error("sendphoto", 400, "Bad Request: expected multipart", null);
    if (parts.containsKey("photo") && parts.get("photo").fileName() != null) {
      return error("sendphoto", 400, "Bad Request: unexpected file part named photo", null);
    }
    Part file = attached(p.path("photo").asText(), parts);
    if (file == null)
      return error("sendphoto", 400, "Bad Request: there is no photo in the request", null);
    MockResponse refused = checkPhoto("sendphoto", file.bytes());
    if (refused != null) return refused;
    MockResponse flooded = flood("sendphoto", p);
    if (flooded != null) return flooded;
    long chatId = p.path("chat_id").asLong();
    ChatMessage m = new ChatMessage(nextMessageId.incrementAndGet(), chatId, BOT_ID, true);
    m.photo = file.bytes();
    m.caption = p.hasNonNull("caption") ? p.path("caption").asText() : null;
    m.replyTo = replyTo(p);
    m.buttons = buttons(jsonOrNull(p.path("reply_markup").asText(null)));
    chat(chatId).add(m);
    return ok("sendphoto", messageJson(m));
  }

  private MockResponse sendMediaGroup(JsonNode p, Map<String, Part> parts) {
    if (parts == null) return error("sendmediagroup", 400, "Bad Request: expected multipart", null);
    JsonNode media = jsonOrNull(p.path("media").asText(null));
    if (media == null || !media.isArray()) {
      return error("sendmediagroup", 400, "Bad Request: media not found", null);
    }
    if (media.size() < 2 || media.size() > 10) {
      return error("sendmediagroup", 400, "Bad Request: wrong number of media in the album", null);
    }
    List<byte[]> photos = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (JsonNode item : media) {
      if (!"photo".equals(item.path("type").asText())) {
        return error("sendmediagroup", 400, "Bad Request: only photos expected", null);
      }
      Part file = attached(item.path("media").asText(), parts);
      if (file == null) {
        return error("sendmediagroup", 400, "Bad Request: wrong file identifier/HTTP URL", null);
      }
      MockResponse refused = checkPhoto("sendmediagroup", file.bytes());
      if (refused != null) return refused;
      photos.add(file.bytes());
      captions.add(item.hasNonNull("caption") ? item.path("caption").asText() : null);
    }
    MockResponse flooded = flood("sendmediagroup", p);
    if (flooded != null) return flooded;
    long chatId = p.path("chat_id").asLong();
    String group = "mg" + nextMediaGroup.incrementAndGet();
    ArrayNode result = json.createArrayNode();
    for (int i = 0; i < photos.size(); i++) {
      ChatMessage m = new ChatMessage(nextMessageId.incrementAndGet(), chatId, BOT_ID, true);
      m.photo = photos.get(i);
      m.caption = captions.get(i);
      m.mediaGroupId = group;
      m.replyTo = replyTo(p);
      chat(chatId).add(m);
      result.add(messageJson(m));
    }
    return ok("sendmediagroup", result);
  }

  private MockResponse sendDocument(JsonNode p, Map<String, Part> parts) {
    if (parts == null) return error("senddocument", 400, "Bad Request: expected multipart", null);
    Part file = attached(p.path("document").asText(), parts);
    if (file == null)
      return error("senddocument", 400, "Bad Request: there is no document in the request", null);
    if (file.bytes().length > 50L * 1000 * 1000) {
      return error("senddocument", 413, "Request Entity Too Large", null);
    }
    MockResponse flooded = flood("senddocument", p);
    if (flooded != null) return flooded;
    long chatId = p.path("chat_id").asLong();
    ChatMessage m = new ChatMessage(nextMessageId.incrementAndGet(), chatId, BOT_ID, true);
    m.document = file.bytes();
    m.documentName = file.fileName();
    m.caption = p.hasNonNull("caption") ? p.path("caption").asText() : null;
    m.replyTo = replyTo(p);
    chat(chatId).add(m);
    return ok("senddocument", messageJson(m));
  }

  private MockResponse checkPhoto(String method, byte[] bytes) {
    if (bytes.length > photoByteLimit) {
      return error(method, 413, "Request Entity Too Large", null);
    }
    int[] size = pngSize(bytes);
    if (size != null) {
      int w = size[0];
      int h = size[1];
      if (w + h > 10_000 || Math.max(w, h) > 20L * Math.min(w, h)) {
        return error(method, 400, "Bad Request: PHOTO_INVALID_DIMENSIONS", null);
      }
    }
    return null;
  }

  private MockResponse getChatMember(JsonNode p) {
    long chatId = p.path("chat_id").asLong();
    long userId = p.path("user_id").asLong();
    String status =
        chatId == userId
            ? "member"
            : members.getOrDefault(chatId, Map.of()).getOrDefault(userId, "member");
    ObjectNode member = json.createObjectNode();
    member.put("status", status);
    member.set("user", userJson(userId));
    if (status.equals("administrator")) {
      member.put("can_be_edited", false);
      member.put("is_anonymous", false);
      member.put("can_manage_chat", true);
      member.put("can_delete_messages", true);
      member.put("can_manage_video_chats", true);
      member.put("can_restrict_members", true);
      member.put("can_promote_members", false);
      member.put("can_change_info", true);
      member.put("can_invite_users", true);
      member.put("can_post_stories", false);
      member.put("can_edit_stories", false);
      member.put("can_delete_stories", false);
    } else if (status.equals("creator")) {
      member.put("is_anonymous", false);
    }
    return ok("getchatmember", member);
  }

  // ---- helpers ----

  private void addUpdate(String kind, ObjectNode payload) {
    synchronized (updatesLock) {
      ObjectNode update = json.createObjectNode();
      update.put("update_id", nextUpdateId++);
      update.set(kind, payload);
      pendingUpdates.add(update);
      updatesLock.notifyAll();
    }
  }

  private List<ChatMessage> chat(long chatId) {
    return chats.computeIfAbsent(chatId, k -> new CopyOnWriteArrayList<>());
  }

  private ChatMessage find(long chatId, int messageId) {
    for (ChatMessage m : chat(chatId)) {
      if (m.id == messageId) return m;
    }
    return null;
  }

  private Integer replyTo(JsonNode p) {
    if (p.hasNonNull("reply_to_message_id")) return p.path("reply_to_message_id").asInt();
    JsonNode params = p.get("reply_parameters");
    // JSON bodies carry an object; multipart bodies carry it as a JSON string.
    if (params != null && params.isTextual()) params = jsonOrNull(params.asText());
    if (params != null && params.hasNonNull("message_id")) return params.path("message_id").asInt();
    return null;
  }

  private JsonNode jsonOrNull(String text) {
    if (text == null || text.isEmpty()) return null;
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<List<String[]>> buttons(JsonNode markup) {
    List<List<String[]>> rows = new ArrayList<>();
    if (markup == null) return rows;
    for (JsonNode row : markup.path("inline_keyboard")) {
      List<String[]> r = new ArrayList<>();
      for (JsonNode b : row) {
        r.add(new String[] {b.path("text").asText(), b.path("callback_data").asText()});
      }
      rows.add(r);
    }
    return rows;
  }

  private static Part attached(String reference, Map<String, Part> parts) {
    if (reference == null || !reference.startsWith("attach://")) return null;
    return parts.get(reference.substring("attach://".length()));
  }

  private JsonNode body(RecordedRequest request) throws IOException {
    if (request.getBody() == null || request.getBody().size() == 0) return json.createObjectNode();
    return json.readTree(request.getBody().toByteArray());
  }

  private static Map<String, Part> multipart(RecordedRequest request) throws IOException {
    String type = request.getHeaders().get("Content-Type");
    if (type == null || !type.startsWith("multipart/")) return null;
    MediaType mediaType = MediaType.parse(type);
    String boundary = mediaType == null ? null : mediaType.parameter("boundary");
    if (boundary == null) throw new IOException("no boundary");
    Map<String, Part> parts = new LinkedHashMap<>();
    Buffer buffer = new Buffer().write(request.getBody());
    try (MultipartReader reader = new MultipartReader(buffer, boundary)) {
      MultipartReader.Part part;
      while ((part = reader.nextPart()) != null) {
        String disposition = part.headers().get("Content-Disposition");
        Matcher name = DISPOSITION_NAME.matcher(disposition == null ? "" : disposition);
        if (!name.find()) continue;
        Matcher file = Pattern.compile("filename=\"([^\"]*)\"").matcher(disposition);
        String fileName = file.find() ? file.group(1) : null;
        parts.put(name.group(1), new Part(name.group(1), fileName, part.body().readByteArray()));
      }
    }
    return parts;
  }

  private static int[] pngSize(byte[] b) {
    if (b.length < 24 || (b[0] & 0xff) != 0x89 || b[1] != 'P' || b[2] != 'N' || b[3] != 'G') {
      return null;
    }
    return new int[] {readInt(b, 16), readInt(b, 20)};
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private MockResponse ok(String method, JsonNode result) {
    calls.add(new ApiCall(method, Instant.now(), 200, null));
    ObjectNode body = json.createObjectNode();
    body.put("ok", true);
    body.set("result", result);
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(body.toString())
        .build();
  }

  private MockResponse error(String method, int code, String description, Integer retryAfter) {
    return error(method, code, description, retryAfter, null);
  }

  private MockResponse error(
      String method, int code, String description, Integer retryAfter, Long migrateTo) {
    calls.add(new ApiCall(method, Instant.now(), code, description));
    ObjectNode body = json.createObjectNode();
    body.put("ok", false);
    body.put("error_code", code);
    body.put("description", description);
    if (retryAfter != null) body.putObject("parameters").put("retry_after", retryAfter);
    if (migrateTo != null) body.putObject("parameters").put("migrate_to_chat_id", migrateTo);
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body.toString())
        .build();
  }

  private ObjectNode botJson() {
    ObjectNode bot = json.createObjectNode();
    bot.put("id", BOT_ID);
    bot.put("is_bot", true);
    bot.put("first_name", "Imagine");
    bot.put("username", botUsername);
    return bot;
  }

  private ObjectNode userJson(long userId) {
    ObjectNode user = json.createObjectNode();
    user.put("id", userId);
    user.put("is_bot", false);
    user.put("first_name", "User" + userId);
    user.put("username", "user" + userId);
    user.put("language_code", "en");
    return user;
  }

  private ObjectNode chatJson(long chatId) {
    ObjectNode chat = json.createObjectNode();
    chat.put("id", chatId);
    if (chatId < 0) {
      chat.put("type", "supergroup");
      chat.put("title", "Group " + chatId);
    } else {
      chat.put("type", "private");
      chat.put("first_name", "User" + chatId);
    }
    return chat;
  }

  private ObjectNode messageJson(ChatMessage m) {
    ObjectNode message = json.createObjectNode();
    message.put("message_id", m.id);
    message.set("from", m.fromBot ? botJson() : userJson(m.fromId));
    message.set("chat", chatJson(m.chatId));
    message.put("date", m.date);
    if (m.edited) message.put("edit_date", Instant.now().getEpochSecond());
    if (m.mediaGroupId != null) message.put("media_group_id", m.mediaGroupId);
    if (m.photo != null) {
      ArrayNode sizes = message.putArray("photo");
      int[] size = pngSize(m.photo);
      sizes
          .addObject()
          .put("file_id", "photo" + m.id)
          .put("file_unique_id", "u" + m.id)
          .put("width", size == null ? 1 : size[0])
          .put("height", size == null ? 1 : size[1])
          .put("file_size", m.photo.length);
    } else if (m.document != null) {
      message
          .putObject("document")
          .put("file_id", "doc" + m.id)
          .put("file_unique_id", "u" + m.id)
          .put("file_name", m.documentName)
          .put("file_size", m.document.length);
    } else {
      message.put("text", m.text());
    }
    if (m.caption != null) message.put("caption", m.caption);
    if (m.replyTo != null) {
      ChatMessage original = find(m.chatId, m.replyTo);
      if (original != null) {
        ObjectNode shallow = json.createObjectNode();
        shallow.put("message_id", original.id);
        shallow.set("from", original.fromBot ? botJson() : userJson(original.fromId));
        shallow.set("chat", chatJson(original.chatId));
        shallow.put("date", original.date);
        shallow.put("text", original.text());
        message.set("reply_to_message", shallow);
      }
    }
    if (!m.buttons.isEmpty()) {
      ArrayNode rows = message.putObject("reply_markup").putArray("inline_keyboard");
      for (List<String[]> row : m.buttons) {
        ArrayNode r = rows.addArray();
        for (String[] b : row) r.addObject().put("text", b[0]).put("callback_data", b[1]);
      }
    }
    return message;
  }

  /** A message as the user sees it, with its edit history. */
  public static final class ChatMessage {
    public final int id;
    final long chatId;
    final long fromId;
    final boolean fromBot;
    final long date = Instant.now().getEpochSecond();
    final List<String> texts = new CopyOnWriteArrayList<>();
    volatile List<List<String[]>> buttons = new ArrayList<>();
    public volatile Integer replyTo;
    public volatile byte[] photo;
    volatile byte[] document;
    volatile String documentName;
    volatile String caption;
    volatile String mediaGroupId;
    public volatile boolean deleted;
    volatile boolean edited;

    ChatMessage(int id, long chatId, long fromId, boolean fromBot) {
      this.id = id;
      this.chatId = chatId;
      this.fromId = fromId;
      this.fromBot = fromBot;
    }

    /** The current text (empty for photos and documents). */
    public String text() {
      return texts.isEmpty() ? "" : texts.get(texts.size() - 1);
    }

    /** Every text it had, first to current. */
    List<String> history() {
      return List.copyOf(texts);
    }

    /** The callback data of its inline buttons, row by row flattened. */
    public List<String> buttonData() {
      List<String> data = new ArrayList<>();
      for (List<String[]> row : buttons) for (String[] b : row) data.add(b[1]);
      return data;
    }

    List<String> buttonLabels() {
      List<String> labels = new ArrayList<>();
      for (List<String[]> row : buttons) for (String[] b : row) labels.add(b[0]);
      return labels;
    }

    @Override
    public String toString() {
      return "#"
          + id
          + (fromBot ? " bot" : " user")
          + (deleted ? " (deleted)" : "")
          + (photo != null ? " photo " + photo.length + "B" : "")
          + (document != null ? " document " + document.length + "B" : "")
          + " "
          + texts
          + (caption != null ? " caption=" + caption : "")
          + " buttons="
          + buttonData();
    }
  }
}
