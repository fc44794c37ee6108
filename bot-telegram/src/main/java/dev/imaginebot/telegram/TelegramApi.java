package dev.imaginebot.telegram;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageReplyMarkup;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Blocking Bot API calls that fail with {@link ApiFailure}; called only on our own threads.
 *
 * <p>Follows group upgrades: once Telegram answers that a group became a supergroup ({@code
 * migrate_to_chat_id}), every later call for the old chat id goes to the new one, so a job's edits
 * and images reach the chat it is now in. The failed call itself is made again by its caller (the
 * {@link Outbox}), which rebuilds its body.
 */
final class TelegramApi {
  private static final Logger log = LoggerFactory.getLogger(TelegramApi.class);

  /** Upgraded groups remembered; upgrades are rare, and a forgotten one is learnt again. */
  static final int MAX_MIGRATIONS = 1024;

  private final OkHttpTelegramClient client;
  private final String token;
  private final Map<String, String> migrated =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > MAX_MIGRATIONS;
            }
          });

  TelegramApi(OkHttpTelegramClient client, String token) {
    this.client = client;
    this.token = token;
  }

  <T extends Serializable, M extends BotApiMethod<T>> T call(M method) {
    String chat = redirect(method);
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw learn(chat, ApiFailure.of(method.getMethod(), e, token));
    }
  }

  Message sendPhoto(SendPhoto method) {
    String chat = redirect(method);
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw learn(chat, ApiFailure.of(SendPhoto.PATH, e, token));
    }
  }

  Message sendDocument(SendDocument method) {
    String chat = redirect(method);
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw learn(chat, ApiFailure.of(SendDocument.PATH, e, token));
    }
  }

  List<Message> sendMediaGroup(SendMediaGroup method) {
    String chat = redirect(method);
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw learn(chat, ApiFailure.of(SendMediaGroup.PATH, e, token));
    }
  }

  /**
   * Points a call for an upgraded group at its supergroup; returns the chat it goes to (or null).
   */
  private String redirect(Object method) {
    String chat = chatOf(method);
    if (chat == null) return null;
    String to = migrated.get(chat);
    if (to == null) return chat;
    if (method instanceof SendMessage m) m.setChatId(to);
    else if (method instanceof EditMessageText m) m.setChatId(to);
    else if (method instanceof EditMessageReplyMarkup m) m.setChatId(to);
    else if (method instanceof DeleteMessage m) m.setChatId(to);
    else if (method instanceof SendChatAction m) m.setChatId(to);
    else if (method instanceof SendPhoto m) m.setChatId(to);
    else if (method instanceof SendMediaGroup m) m.setChatId(to);
    else if (method instanceof SendDocument m) m.setChatId(to);
    return to;
  }

  private static String chatOf(Object method) {
    if (method instanceof SendMessage m) return m.getChatId();
    if (method instanceof EditMessageText m) return m.getChatId();
    if (method instanceof EditMessageReplyMarkup m) return m.getChatId();
    if (method instanceof DeleteMessage m) return m.getChatId();
    if (method instanceof SendChatAction m) return m.getChatId();
    if (method instanceof SendPhoto m) return m.getChatId();
    if (method instanceof SendMediaGroup m) return m.getChatId();
    if (method instanceof SendDocument m) return m.getChatId();
    return null;
  }

  /** Remembers an upgrade Telegram just told of; returns the failure for the caller to throw. */
  private ApiFailure learn(String chat, ApiFailure failure) {
    if (chat != null && failure.migratedTo().isPresent()) {
      String to = Long.toString(failure.migratedTo().get());
      if (!to.equals(chat)) {
        log.info("Telegram group {} was upgraded to supergroup {}: following it", chat, to);
        migrated.put(chat, to);
        // An older id that pointed at the one just upgraded follows too.
        synchronized (migrated) {
          migrated.replaceAll((from, was) -> was.equals(chat) ? to : was);
        }
      }
    }
    return failure;
  }

  void setWebhook(SetWebhook method) {
    try {
      client.execute(method);
    } catch (TelegramApiException e) {
      throw ApiFailure.of(SetWebhook.PATH, e, token);
    }
  }

  String redact(String text) {
    return ApiFailure.redact(text, token);
  }
}
