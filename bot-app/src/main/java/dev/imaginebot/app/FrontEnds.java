package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.discord.DiscordConfig;
import dev.imaginebot.discord.DiscordFrontEnd;
import dev.imaginebot.telegram.TelegramConfig;
import dev.imaginebot.telegram.TelegramFrontEnd;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the chat front-ends the settings enable (each registers itself with the bot); each
 * returned handle closes one of them. If one fails to start, those already started are closed and a
 * {@link ConfigException}-style one-line error is raised.
 */
final class FrontEnds {
  private static final Logger log = LoggerFactory.getLogger(FrontEnds.class);

  private FrontEnds() {}

  static List<AutoCloseable> start(AppSettings settings, Bot bot, CliMessages messages) {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      if (settings.discord() != null) {
        started.add(startDiscord(settings, bot));
      }
      if (settings.telegram() != null) {
        started.add(startTelegram(settings, bot));
      }
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
    return started;
  }

  private static AutoCloseable startDiscord(AppSettings settings, Bot bot) {
    AppSettings.DiscordSettings d = settings.discord();
    DiscordConfig config =
        new DiscordConfig(d.token(), d.guildId(), d.restUrl(), d.gatewayUrl(), Clock.systemUTC());
    if (d.shards() != null) {
      config = config.withShards(new DiscordConfig.Shards(d.shards().total(), d.shards().ids()));
    }
    try {
      DiscordFrontEnd discord = DiscordFrontEnd.start(config, bot);
      log.info("Discord front-end started");
      return discord;
    } catch (RuntimeException e) {
      log.debug("Discord failed to start", e);
      throw new FrontEndException("Discord", RunCommand.reason(e));
    }
  }

  private static AutoCloseable startTelegram(AppSettings settings, Bot bot) {
    AppSettings.TelegramSettings t = settings.telegram();
    TelegramConfig config = TelegramConfig.of(t.token());
    if (t.apiUrl() != null) {
      URI api = t.apiUrl();
      int port = api.getPort() > 0 ? api.getPort() : "https".equals(api.getScheme()) ? 443 : 80;
      config = config.withApi(api.getScheme(), api.getHost(), port);
    }
    if (t.webhook() != null) config = config.withWebhook(t.webhook());
    try {
      TelegramFrontEnd telegram = TelegramFrontEnd.start(config, bot);
      log.info("Telegram front-end started as @{}", telegram.botUsername());
      return telegram;
    } catch (RuntimeException e) {
      log.debug("Telegram failed to start", e);
      throw new FrontEndException("Telegram", RunCommand.reason(e));
    }
  }

  /** Stops the front-ends taking new updates; they go on delivering until closed. */
  static void stopIntake(List<AutoCloseable> started) {
    for (AutoCloseable f : started) {
      try {
        if (f instanceof TelegramFrontEnd t) t.stopIntake();
      } catch (RuntimeException e) {
        log.warn("Front-end did not stop taking updates cleanly", e);
      }
    }
  }

  static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("Front-end did not stop cleanly", e);
      }
    }
  }

  /** A front-end could not start (token refused, platform unreachable); one line for the user. */
  static final class FrontEndException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String platform;
    final String reason;

    FrontEndException(String platform, String reason) {
      super(platform + ": " + reason);
      this.platform = platform;
      this.reason = reason;
    }
  }
}
