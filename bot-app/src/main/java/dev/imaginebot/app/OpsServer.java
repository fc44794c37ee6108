package dev.imaginebot.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imaginebot.core.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional operations endpoint: {@code GET /healthz} (a JSON {@link HealthReport}: 200 while
 * the bot is up and its database answers, 503 while it starts or stops or the database does not
 * answer) and {@code GET /metrics} (Prometheus text format). Runs on one daemon thread.
 */
final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code bind:port} (port 0 picks a free one) and starts serving; {@code health} is asked
   * on each {@code /healthz}.
   */
  static OpsServer start(String bind, int port, Metrics metrics, Supplier<HealthReport> health)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.createContext(
        "/healthz",
        exchange -> {
          HealthReport report = health.get();
          respond(
              exchange,
              report.healthy() ? 200 : 503,
              "application/json; charset=utf-8",
              report.toJson() + "\n");
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.createContext(
        "/", exchange -> respond(exchange, 404, "text/plain", "try /healthz or /metrics\n"));
    ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("ops-http"));
    server.setExecutor(executor);
    server.start();
    log.info("Serving /healthz and /metrics on {}:{}", bind, server.getAddress().getPort());
    return new OpsServer(server, executor);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
