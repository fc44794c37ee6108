package dev.imaginebot.telegram;

import java.io.Serializable;
import java.util.List;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/** Blocking Bot API calls that fail with {@link ApiFailure}; called only on our own threads. */
final class TelegramApi {
  private final OkHttpTelegramClient client;
  private final String token;

  TelegramApi(OkHttpTelegramClient client, String token) {
    this.client = client;
    this.token = token;
  }

  <T extends Serializable, M extends BotApiMethod<T>> T call(M method) {
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw ApiFailure.of(method.getMethod(), e, token);
    }
  }

  Message sendPhoto(SendPhoto method) {
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw ApiFailure.of(SendPhoto.PATH, e, token);
    }
  }

  Message sendDocument(SendDocument method) {
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw ApiFailure.of(SendDocument.PATH, e, token);
    }
  }

  List<Message> sendMediaGroup(SendMediaGroup method) {
    try {
      return client.execute(method);
    } catch (TelegramApiException e) {
      throw ApiFailure.of(SendMediaGroup.PATH, e, token);
    }
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
