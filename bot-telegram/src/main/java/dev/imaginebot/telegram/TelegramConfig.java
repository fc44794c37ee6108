package dev.imaginebot.telegram;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Telegram front-end reaches Telegram. Build one with {@link #of(String)} and adjust it
 * with the {@code with...} methods.
 *
 * @param token the bot token from BotFather (never logged; {@link #toString()} hides it)
 * @param apiScheme {@code https} normally; {@code http} for a local stand-in
 * @param apiHost the Bot API host
 * @param apiPort the Bot API port
 * @param botUsername the bot's username without {@code @}, or null to take it from {@code getMe}
 * @param mode how updates arrive; only {@link Mode#LONG_POLLING} is implemented
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
    Duration pollTimeout,
    Duration privateEditInterval,
    Duration groupEditInterval,
    Clock clock) {

  /** How updates reach the bot. */
  public enum Mode {
    /** The bot asks for updates with {@code getUpdates} (the default; needs no public URL). */
    LONG_POLLING,
    /**
     * Telegram pushes updates to a public URL. Not implemented yet: {@link TelegramFrontEnd#start}
     * rejects it.
     */
    WEBHOOK
  }

  public TelegramConfig {
    Objects.requireNonNull(token, "token == null");
    if (token.isBlank()) throw new IllegalArgumentException("token is blank");
    Objects.requireNonNull(apiScheme, "apiScheme == null");
    Objects.requireNonNull(apiHost, "apiHost == null");
    Objects.requireNonNull(mode, "mode == null");
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
        Duration.ofSeconds(50),
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Clock.systemUTC());
  }

  /** The same settings against another Bot API server (a local Bot API server, a test fake). */
  public TelegramConfig withApi(String scheme, String host, int port) {
    return new TelegramConfig(
        token,
        scheme,
        host,
        port,
        botUsername,
        mode,
        pollTimeout,
        privateEditInterval,
        groupEditInterval,
        clock);
  }

  /** The same settings with a known bot username (commands addressed to others are ignored). */
  public TelegramConfig withBotUsername(String username) {
    return new TelegramConfig(
        token,
        apiScheme,
        apiHost,
        apiPort,
        username,
        mode,
        pollTimeout,
        privateEditInterval,
        groupEditInterval,
        clock);
  }

  /** The same settings with another long-poll timeout (whole seconds, at least 1). */
  public TelegramConfig withPollTimeout(Duration timeout) {
    return new TelegramConfig(
        token,
        apiScheme,
        apiHost,
        apiPort,
        botUsername,
        mode,
        timeout,
        privateEditInterval,
        groupEditInterval,
        clock);
  }

  /** The same settings with other edit intervals for private and group chats. */
  public TelegramConfig withEditIntervals(Duration privateChats, Duration groups) {
    return new TelegramConfig(
        token,
        apiScheme,
        apiHost,
        apiPort,
        botUsername,
        mode,
        pollTimeout,
        privateChats,
        groups,
        clock);
  }

  /** The same settings with another update mode. */
  public TelegramConfig withMode(Mode newMode) {
    return new TelegramConfig(
        token,
        apiScheme,
        apiHost,
        apiPort,
        botUsername,
        newMode,
        pollTimeout,
        privateEditInterval,
        groupEditInterval,
        clock);
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
        + ", pollTimeout="
        + pollTimeout
        + ", privateEditInterval="
        + privateEditInterval
        + ", groupEditInterval="
        + groupEditInterval
        + "]";
  }
}
