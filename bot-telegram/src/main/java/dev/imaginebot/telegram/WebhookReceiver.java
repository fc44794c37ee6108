package dev.imaginebot.telegram;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imaginebot.core.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.interfaces.LongPollingUpdateConsumer;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Webhook mode: a small HTTP server (the JDK's) that takes the updates Telegram POSTs, checks the
 * secret token header, and hands each update to the same router long polling uses. It answers at
 * once; the work happens on the router's workers.
 */
final class WebhookReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final int MAX_BODY = 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService threads;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final byte[] secret;
  private final LongPollingUpdateConsumer router;

  WebhookReceiver(TelegramConfig.Webhook webhook, LongPollingUpdateConsumer router) {
    this.secret = webhook.secretToken().getBytes(StandardCharsets.UTF_8);
    this.router = router;
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(webhook.bindHost(), webhook.bindPort()), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + webhook.bindHost() + ":" + webhook.bindPort(), e);
    }
    this.threads = Executors.newFixedThreadPool(2, DaemonThreads.named("telegram-webhook"));
    server.setExecutor(threads);
    server.createContext(webhook.path(), this::handle);
    server.start();
  }

  /** The port actually bound (useful when configured as 0). */
  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String given = exchange.getRequestHeaders().getFirst("X-Telegram-Bot-Api-Secret-Token");
      if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
        log.warn("Telegram webhook call without the right secret token refused");
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      Update update;
      try (InputStream body = exchange.getRequestBody()) {
        byte[] bytes = body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
          exchange.sendResponseHeaders(413, -1);
          return;
        }
        update = json.readValue(bytes, Update.class);
      } catch (IOException e) {
        log.warn(
            "Telegram webhook sent an update we cannot read: {}", e.getClass().getSimpleName());
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      router.consume(List.of(update));
      exchange.sendResponseHeaders(200, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
