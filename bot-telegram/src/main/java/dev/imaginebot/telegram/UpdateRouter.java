package dev.imaginebot.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imaginebot.core.command.PendingUpdate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.interfaces.LongPollingUpdateConsumer;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Takes updates from TelegramBots' polling thread (or the webhook), stores each in the core's inbox
 * before returning — TelegramBots confirms the offset with its next {@code getUpdates}, and the
 * webhook answers 200, only after {@link #consume} returned, so a crash cannot lose an update —
 * then hands it to a worker. An update stored before (redelivered) is skipped; one stored but not
 * handled when the bot stopped is handled at the next start ({@link #replayPending}). Finds the
 * command: {@code /name args}, {@code /name@OurBot args} (a command for another bot is ignored), or
 * a reply to one of our messages, which is an {@code /imagine} prompt. Faults are logged once with
 * a reference the user sees.
 */
final class UpdateRouter implements LongPollingUpdateConsumer {
  private static final Logger log = LoggerFactory.getLogger(UpdateRouter.class);

  private final TelegramContext env;
  private final Executor workers;
  private final Map<String, CommandHandler> commands;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final ButtonPress buttons = new ButtonPress();
  private final String botUsername;
  private final long botId;
  private volatile boolean stopped;

  UpdateRouter(
      TelegramContext env, Map<String, CommandHandler> commands, String botUsername, long botId) {
    this.env = env;
    this.workers = env.workers;
    this.commands = Map.copyOf(commands);
    this.botUsername = botUsername;
    this.botId = botId;
  }

  /** From now on updates are dropped (the front-end is closing). */
  void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stores, then dispatches. Throws when an update could not be stored, so that the webhook answers
   * an error and Telegram sends it again; see {@link PollingConsumer} for long polling.
   */
  @Override
  public void consume(List<Update> updates) {
    if (stopped) throw new IllegalStateException("the Telegram front-end is stopping");
    for (Update update : updates) {
      String key = key(update);
      String payload;
      try {
        payload = JSON.writeValueAsString(update);
      } catch (JsonProcessingException e) {
        log.warn("Telegram update {} cannot be stored: {}", update.getUpdateId(), e.toString());
        continue;
      }
      if (!env.bot.receive(TelegramContext.PLATFORM, key, payload)) {
        log.debug("Telegram update {} came again; handled already", update.getUpdateId());
        continue;
      }
      dispatch(update, key);
    }
  }

  /** Hands the updates the previous run stored but did not handle to the workers. */
  void replayPending() {
    List<PendingUpdate> pending = env.bot.pending(TelegramContext.PLATFORM);
    if (!pending.isEmpty()) log.info("Handling {} stored Telegram update(s)", pending.size());
    for (PendingUpdate p : pending) {
      Update update;
      try {
        update = JSON.readValue(p.payload(), Update.class);
      } catch (JsonProcessingException e) {
        log.warn("Stored Telegram update {} unreadable; skipped: {}", p.key(), e.toString());
        env.handled(p.key());
        continue;
      }
      dispatch(update, p.key());
    }
  }

  private void dispatch(Update update, String key) {
    try {
      workers.execute(() -> route(update, key));
    } catch (RejectedExecutionException e) {
      // The update is stored: it is handled at the next start, not lost.
      log.warn(
          "Telegram update {} left for later: the bot is overloaded or stopping",
          update.getUpdateId());
    }
  }

  static String key(Update update) {
    return "update:" + update.getUpdateId();
  }

  void route(Update update) {
    route(update, null);
  }

  void route(Update update, String key) {
    boolean handledByCommand = false;
    try {
      if (update.hasCallbackQuery()) {
        buttons.handle(env, update.getCallbackQuery(), key);
      } else if (update.hasMessage()) {
        handledByCommand = onMessage(update.getMessage(), key);
      }
    } catch (RuntimeException e) {
      Long chatId = chatOf(update);
      if (chatId == null) {
        env.fault(0, null, null, "update " + update.getUpdateId(), e);
      } else {
        env.fault(chatId, null, languageOf(update), "update " + update.getUpdateId(), e);
      }
    } finally {
      // /imagine marks its update handled once its job is stored; everything else is done here.
      if (!handledByCommand) env.handled(key);
    }
  }

  /** Returns true when the handler marks the update handled itself. */
  private boolean onMessage(Message m, String key) {
    if (m.getText() == null || m.getFrom() == null || Boolean.TRUE.equals(m.getFrom().getIsBot())) {
      return false;
    }
    String text = m.getText().strip();
    long chatId = m.getChatId();
    boolean group = !"private".equals(m.getChat().getType());
    if (text.startsWith("/")) {
      int space = indexOfWhitespace(text);
      String head = space < 0 ? text.substring(1) : text.substring(1, space);
      String args = space < 0 ? "" : text.substring(space).strip();
      String target = null;
      int at = head.indexOf('@');
      if (at >= 0) {
        target = head.substring(at + 1);
        head = head.substring(0, at);
      }
      if (target != null && !target.equalsIgnoreCase(botUsername)) return false; // another bot
      String name = head.toLowerCase(Locale.ROOT);
      if (name.equals("start")) name = "help";
      CommandHandler handler = commands.get(name);
      Incoming in = new Incoming(chatId, group, m.getMessageId(), m.getFrom(), name, args, key);
      if (handler != null) {
        handler.handle(env, in);
        return handler instanceof TelegramImagine;
      } else if (!group || target != null) {
        // Let the core word "unknown command"; in groups a bare /foo may be another bot's.
        new CommandHandler(name, false).handle(env, in);
      }
    } else if (m.getReplyToMessage() != null
        && m.getReplyToMessage().getFrom() != null
        && m.getReplyToMessage().getFrom().getId() == botId) {
      commands
          .get("imagine")
          .handle(
              env,
              new Incoming(chatId, group, m.getMessageId(), m.getFrom(), "imagine", text, key));
      return true;
    }
    return false;
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) return i;
    }
    return -1;
  }

  private static Long chatOf(Update u) {
    if (u.hasMessage()) return u.getMessage().getChatId();
    if (u.hasCallbackQuery() && u.getCallbackQuery().getMessage() != null) {
      return u.getCallbackQuery().getMessage().getChatId();
    }
    return null;
  }

  private static String languageOf(Update u) {
    if (u.hasMessage() && u.getMessage().getFrom() != null) {
      return u.getMessage().getFrom().getLanguageCode();
    }
    if (u.hasCallbackQuery()) return u.getCallbackQuery().getFrom().getLanguageCode();
    return null;
  }
}
