package dev.imaginebot.telegram;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the Telegram front-end reaches Telegram. Build one with {@link #of(String)} and adjust it
 * with the {@code with...} methods.
 *
 * @param token the bot token from BotFather (never logged; {@link #toString()} hides it)
 * @param apiScheme {@code https} normally; {@code http} for a local stand-in
 * @param apiHost the Bot API host
 * @param apiPort the Bot API port
 * @param botUsername the bot's username without {@code @}, or null to take it from {@code getMe}
 * @param mode how updates arrive
 * @param webhook where Telegram pushes updates in {@link Mode#WEBHOOK} mode, else null
 * @param pollTimeout how long one {@code getUpdates} call may be held by the server
 * @param privateEditInterval at least this long between two message edits in a private chat
 * @param groupEditInterval at least this long between two message edits in a group chat
 * @param clock the time source for flood control
 */
public record TelegramConfig(
    String token,
    String apiScheme,
    String apiHost,
    int apiPort,
    String botUsername,
    Mode mode,
    Webhook webhook,
    Duration pollTimeout,
    Duration privateEditInterval,
    Duration groupEditInterval,
    Clock clock) {

  /** How updates reach the bot. */
  public enum Mode {
    /** The bot asks for updates with {@code getUpdates} (the default; needs no public URL). */
    LONG_POLLING,
    /**
     * Telegram pushes updates to a public URL (the {@code webhook}); for deployments behind one.
     */
    WEBHOOK
  }

  /**
   * A webhook: Telegram POSTs each update to {@code publicUrl} (https, ports 443, 80, 88 or 8443;
   * usually a reverse proxy), which must reach the server the bot starts on {@code
   * bindHost:bindPort} at the same path.
   *
   * @param publicUrl the URL Telegram calls, for example {@code https://bot.example.com/telegram}
   * @param bindHost the address to listen on ({@code 0.0.0.0} for all)
   * @param bindPort the port to listen on
   * @param secretToken sent by Telegram in {@code X-Telegram-Bot-Api-Secret-Token} and checked on
   *     every call (1-256 of {@code A-Z a-z 0-9 _ -}); requests without it are refused
   */
  public record Webhook(String publicUrl, String bindHost, int bindPort, String secretToken) {
    public Webhook {
      Objects.requireNonNull(publicUrl, "publicUrl == null");
      Objects.requireNonNull(bindHost, "bindHost == null");
      Objects.requireNonNull(secretToken, "secretToken == null");
      if (!secretToken.matches("[A-Za-z0-9_-]{1,256}")) {
        throw new IllegalArgumentException("secretToken must be 1-256 of A-Z a-z 0-9 _ -");
      }
      if (bindPort < 0 || bindPort > 65535) throw new IllegalArgumentException("bad bindPort");
    }

    /** The path Telegram calls, from {@code publicUrl} ({@code /} when it has none). */
    public String path() {
      String p = java.net.URI.create(publicUrl).getPath();
      return p == null || p.isEmpty() ? "/" : p;
    }

    @Override
    public String toString() {
      // The secret token guards the endpoint: keep it out of logs.
      return "Webhook[publicUrl=" + publicUrl + ", bind=" + bindHost + ":" + bindPort + "]";
    }
  }

  public TelegramConfig {
    Objects.requireNonNull(token, "token == null");
    if (token.isBlank()) throw new IllegalArgumentException("token is blank");
    Objects.requireNonNull(apiScheme, "apiScheme == null");
    Objects.requireNonNull(apiHost, "apiHost == null");
    Objects.requireNonNull(mode, "mode == null");
    if (mode == Mode.WEBHOOK && webhook == null) {
      throw new IllegalArgumentException("WEBHOOK mode needs a webhook");
    }
    Objects.requireNonNull(pollTimeout, "pollTimeout == null");
    Objects.requireNonNull(privateEditInterval, "privateEditInterval == null");
    Objects.requireNonNull(groupEditInterval, "groupEditInterval == null");
    Objects.requireNonNull(clock, "clock == null");
    if (botUsername != null && botUsername.startsWith("@")) botUsername = botUsername.substring(1);
  }

  /** The production settings for a token: Telegram's own API, long polling, 1 s / 3 s edits. */
  public static TelegramConfig of(String token) {
    return new TelegramConfig(
        token,
        "https",
        "api.telegram.org",
        443,
        null,
        Mode.LONG_POLLING,
        null,
        Duration.ofSeconds(50),
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Clock.systemUTC());
  }

  /** The same settings against another Bot API server (a local Bot API server, a test fake). */
  public TelegramConfig withApi(String scheme, String host, int port) {
    return copy(
        c -> {
          c.apiScheme = scheme;
          c.apiHost = host;
          c.apiPort = port;
        });
  }

  /** The same settings with a known bot username (commands addressed to others are ignored). */
  public TelegramConfig withBotUsername(String username) {
    return copy(c -> c.botUsername = username);
  }

  /** The same settings with another long-poll timeout (whole seconds, at least 1). */
  public TelegramConfig withPollTimeout(Duration timeout) {
    return copy(c -> c.pollTimeout = timeout);
  }

  /** The same settings with other edit intervals for private and group chats. */
  public TelegramConfig withEditIntervals(Duration privateChats, Duration groups) {
    return copy(
        c -> {
          c.privateEditInterval = privateChats;
          c.groupEditInterval = groups;
        });
  }

  /** The same settings with updates pushed to a webhook instead of long polling. */
  public TelegramConfig withWebhook(Webhook hook) {
    Objects.requireNonNull(hook, "hook == null");
    return copy(
        c -> {
          c.mode = Mode.WEBHOOK;
          c.webhook = hook;
        });
  }

  /** The same settings with another update mode (WEBHOOK needs {@link #withWebhook}). */
  public TelegramConfig withMode(Mode newMode) {
    return copy(c -> c.mode = newMode);
  }

  /** A copy of this config with {@code change} applied; the constructor checks the result. */
  private TelegramConfig copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new TelegramConfig(
        f.token,
        f.apiScheme,
        f.apiHost,
        f.apiPort,
        f.botUsername,
        f.mode,
        f.webhook,
        f.pollTimeout,
        f.privateEditInterval,
        f.groupEditInterval,
        f.clock);
  }

  /** The mutable field set one with-er changes before a new record is built. */
  private static final class Fields {
    final String token;
    String apiScheme;
    String apiHost;
    int apiPort;
    String botUsername;
    Mode mode;
    Webhook webhook;
    Duration pollTimeout;
    Duration privateEditInterval;
    Duration groupEditInterval;
    final Clock clock;

    Fields(TelegramConfig c) {
      token = c.token;
      apiScheme = c.apiScheme;
      apiHost = c.apiHost;
      apiPort = c.apiPort;
      botUsername = c.botUsername;
      mode = c.mode;
      webhook = c.webhook;
      pollTimeout = c.pollTimeout;
      privateEditInterval = c.privateEditInterval;
      groupEditInterval = c.groupEditInterval;
      clock = c.clock;
    }
  }

  @Override
  public String toString() {
    // Never print the token.
    return "TelegramConfig[api="
        + apiScheme
        + "://"
        + apiHost
        + ":"
        + apiPort
        + ", botUsername="
        + botUsername
        + ", mode="
        + mode
        + (webhook == null ? "" : ", webhook=" + webhook)
        + ", pollTimeout="
        + pollTimeout
        + ", privateEditInterval="
        + privateEditInterval
        + ", groupEditInterval="
        + groupEditInterval
        + "]";
  }
}
