package dev.imaginebot.telegram;

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
 * Takes updates from TelegramBots' polling thread and hands each to a worker at once (the polling
 * thread never waits on us). Finds the command: {@code /name args}, {@code /name@OurBot args} (a
 * command for another bot is ignored), or a reply to one of our messages, which is an {@code
 * /imagine} prompt. Faults are logged once with a reference the user sees.
 */
final class UpdateRouter implements LongPollingUpdateConsumer {
  private static final Logger log = LoggerFactory.getLogger(UpdateRouter.class);

  private final Env env;
  private final Executor workers;
  private final Map<String, CommandHandler> commands;
  private final ButtonPress buttons = new ButtonPress();
  private final String botUsername;
  private final long botId;
  private volatile boolean stopped;

  UpdateRouter(Env env, Map<String, CommandHandler> commands, String botUsername, long botId) {
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

  @Override
  public void consume(List<Update> updates) {
    if (stopped) return;
    for (Update update : updates) {
      try {
        workers.execute(() -> route(update));
      } catch (RejectedExecutionException e) {
        log.warn(
            "Telegram update {} dropped: the bot is overloaded or stopping", update.getUpdateId());
      }
    }
  }

  void route(Update update) {
    try {
      if (update.hasCallbackQuery()) {
        buttons.handle(env, update.getCallbackQuery());
      } else if (update.hasMessage()) {
        onMessage(update.getMessage());
      }
    } catch (RuntimeException e) {
      Long chatId = chatOf(update);
      if (chatId == null) {
        env.fault(0, null, null, "update " + update.getUpdateId(), e);
      } else {
        env.fault(chatId, null, languageOf(update), "update " + update.getUpdateId(), e);
      }
    }
  }

  private void onMessage(Message m) {
    if (m.getText() == null || m.getFrom() == null || Boolean.TRUE.equals(m.getFrom().getIsBot())) {
      return;
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
      if (target != null && !target.equalsIgnoreCase(botUsername)) return; // for another bot
      String name = head.toLowerCase(Locale.ROOT);
      if (name.equals("start")) name = "help";
      CommandHandler handler = commands.get(name);
      Incoming in = new Incoming(chatId, group, m.getMessageId(), m.getFrom(), name, args);
      if (handler != null) {
        handler.handle(env, in);
      } else if (!group || target != null) {
        // Let the core word "unknown command"; in groups a bare /foo may be another bot's.
        new UnknownCommand(name).handle(env, in);
      }
    } else if (m.getReplyToMessage() != null
        && m.getReplyToMessage().getFrom() != null
        && m.getReplyToMessage().getFrom().getId() == botId) {
      commands
          .get("imagine")
          .handle(env, new Incoming(chatId, group, m.getMessageId(), m.getFrom(), "imagine", text));
    }
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
