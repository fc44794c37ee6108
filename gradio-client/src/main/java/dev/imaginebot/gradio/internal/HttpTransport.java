package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's HTTP: OkHttp clients for calls, streams and file downloads, sharing one cookie jar;
 * every request, redirect hop and resolved address checked against the {@link HostRules}; the token
 * added only where it belongs; and HTTP error answers turned into failures.
 */
final class HttpTransport {
  private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  static final int MAX_REDIRECTS = 5;

  private final ClientSettings settings;
  private final HostRules rules;
  private final HttpUrl hub;
  private final AtomicLong requests = new AtomicLong();
  private final OkHttpClient http;
  private final OkHttpClient streams;
  private final OkHttpClient files;

  /**
   * @param hub the Hub's URL, or null when it is not one
   */
  HttpTransport(ClientSettings settings, HostRules rules, HttpUrl hub) {
    this.settings = settings;
    this.rules = rules;
    this.hub = hub;
    OkHttpClient.Builder b =
        settings.httpClient() != null
            ? settings.httpClient().newBuilder()
            : new OkHttpClient.Builder();
    Dns dns = settings.httpClient() != null ? settings.httpClient().dns() : Dns.SYSTEM;
    b.cookieJar(new MemoryCookieJar())
        .addInterceptor(
            chain -> {
              requests.incrementAndGet();
              return chain.proceed(chain.request());
            })
        // Redirects are followed by the guard, which checks every hop against the policy.
        .followRedirects(false)
        .followSslRedirects(false)
        .dns(host -> checkedLookup(dns, host))
        .connectTimeout(Duration.ofSeconds(15))
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60));
    OkHttpClient base = b.build();
    this.http = base.newBuilder().addInterceptor(guard(true)).build();
    this.streams =
        http.newBuilder()
            .readTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            .pingInterval(Duration.ofSeconds(20))
            .build();
    // Downloads follow redirects themselves, to keep them on the app's origin.
    this.files = base.newBuilder().addInterceptor(guard(false)).build();
  }

  /** A name's addresses, refused when the policy does not allow one of them. */
  private List<InetAddress> checkedLookup(Dns dns, String host) throws UnknownHostException {
    List<InetAddress> all = dns.lookup(host);
    for (InetAddress a : all) {
      Optional<String> refusal = rules.refusal(host, a);
      if (refusal.isPresent()) throw new HostRefusedException(host + ": " + refusal.get());
    }
    return all;
  }

  /**
   * Checks each request, and each redirect hop when {@code follow}, against the policy before it is
   * sent, and adds the token where it belongs: never on a hop to another host.
   */
  private Interceptor guard(boolean follow) {
    return chain -> {
      Request request = chain.request();
      String firstHost = request.url().host();
      for (int hop = 0; ; hop++) {
        Optional<String> refusal = rules.refusal(request.url().toString());
        if (refusal.isPresent()) {
          throw new HostRefusedException(request.url().host() + ": " + refusal.get());
        }
        Request sent = request;
        String header =
            request.url().host().equals(firstHost)
                ? tokenHeader(request.url(), hub, settings.hfToken())
                : null;
        if (header != null) {
          sent = request.newBuilder().header(header, "Bearer " + settings.hfToken()).build();
        }
        Response response = chain.proceed(sent);
        boolean safeMethod = request.method().equals("GET") || request.method().equals("HEAD");
        String location = response.header("Location");
        HttpUrl next = location == null ? null : request.url().resolve(location);
        if (!follow || !response.isRedirect() || !safeMethod || next == null) return response;
        response.close();
        if (hop >= MAX_REDIRECTS) throw new ProtocolException("too many redirects");
        request = request.newBuilder().url(next).build();
      }
    };
  }

  /**
   * The header that carries {@code token} to {@code url}, or null: only over https, {@code
   * X-HF-Authorization} to {@code *.hf.space} and {@code Authorization} to the Hub (also to a Hub
   * stand-in on a loopback address, where the token never leaves the machine).
   *
   * @param hub the Hub's URL, or null
   * @param token the Hugging Face token, or null
   */
  static String tokenHeader(HttpUrl url, HttpUrl hub, String token) {
    if (token == null || token.isBlank()) return null;
    boolean https = url.scheme().equals("https");
    if (https && url.host().endsWith(".hf.space")) return "X-HF-Authorization";
    if (hub != null
        && url.host().equals(hub.host())
        && url.port() == hub.port()
        && url.scheme().equals(hub.scheme())
        && (https || isLoopbackLiteral(hub.host()))) {
      return "Authorization";
    }
    return null;
  }

  private static boolean isLoopbackLiteral(String host) {
    return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
  }

  /** A request the host policy refused before it was sent. */
  static final class HostRefusedException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    HostRefusedException(String message) {
      super(message);
    }
  }

  /** The refusal behind an I/O failure, or null when it was something else. */
  static HostRefusedException refusalIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HostRefusedException h) return h;
      for (Throwable s : t.getSuppressed()) if (s instanceof HostRefusedException h) return h;
    }
    return null;
  }

  /** The failure for a request the policy refused. */
  static GradioException hostRefused(HostRefusedException e) {
    log.info("refused to reach {}", e.getMessage());
    return new GradioException(
        Failure.of(
            FailureCode.HOST_REFUSED, "The app's address is not allowed (" + e.getMessage() + ")."),
        e);
  }

  Request.Builder get(String url) {
    return new Request.Builder().url(url).get();
  }

  Request.Builder post(String url, JsonNode body) {
    return new Request.Builder().url(url).post(RequestBody.create(body.toString(), JSON));
  }

  Response execute(Request request) throws IOException {
    return http.newCall(request).execute();
  }

  /** A call that may take up to {@code timeout} in all, however long the answer is in coming. */
  Call newCall(Request request, Duration timeout) {
    return http.newBuilder()
        .callTimeout(timeout)
        .readTimeout(Duration.ZERO)
        .build()
        .newCall(request);
  }

  /** A file GET, whose redirects the caller follows and checks itself. */
  Call newFileCall(Request request) {
    return files.newCall(request);
  }

  EventSource openSse(Request request, EventSourceListener listener) {
    return EventSources.createFactory(streams).newEventSource(request, listener);
  }

  WebSocket openWebSocket(Request request, WebSocketListener listener) {
    return streams.newWebSocket(request, listener);
  }

  /** Fire-and-forget POST (cancel, reset); failures only logged. */
  void postQuietly(String url, ObjectNode body) {
    try (Response r = execute(post(url, body).build())) {
      log.debug("POST {} answered HTTP {}", url, r.code());
    } catch (IOException e) {
      log.debug("POST {} failed", url, e);
    }
  }

  /** Requests (and websocket connections) made so far. */
  long requestCount() {
    return requests.get();
  }

  /** The failure for an HTTP error answer; {@code text} goes to DEBUG logs only. */
  GradioException failure(Response r, String text, String what) {
    int code = r.code();
    String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
    boolean hasCreds =
        settings.username() != null
            || (settings.hfToken() != null && !settings.hfToken().isBlank());
    switch (code) {
      case 503:
        if (lower.contains("queue is full")) {
          return Failures.exception(
              FailureCode.QUEUE_FULL, "The app's queue is full. Try again later.");
        }
        if (lower.contains("queue is stopped")) {
          return Failures.exception(
              FailureCode.QUEUE_STOPPED, "The app's queue is stopped by its owner.");
        }
        return Failures.exception(
            FailureCode.CONNECTION_LOST, "The app is unavailable right now (HTTP 503).");
      case 422:
        return Failures.exception(FailureCode.INPUT_REJECTED, inputRejected(text));
      case 401:
      case 403:
        return Failures.exception(
            hasCreds ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
            hasCreds ? "The app refused the credentials." : "The app needs a login or a token.");
      case 404:
        return Failures.exception(
            FailureCode.ENDPOINT_NOT_FOUND,
            "The app has no such endpoint (HTTP 404 on " + what + ").");
      case 429:
        return new GradioException(
            new Failure(
                FailureCode.RATE_LIMITED,
                "Too many requests; the app asks to slow down.",
                Failures.retryAfterHeader(r.header("Retry-After"))));
      case 500:
        return Failures.exception(
            FailureCode.APP_ERROR, "The app failed to handle the request (HTTP 500).");
      default:
        return Failures.exception(
            code >= 500 ? FailureCode.CONNECTION_LOST : FailureCode.PROTOCOL_ERROR,
            "The app answered HTTP " + code + " to the " + what + " request.");
    }
  }

  private static String inputRejected(String text) {
    try {
      JsonNode detail = Json.parse(text).path("detail");
      if (detail.isArray()) {
        for (JsonNode d : detail) {
          if ("validate".equals(Json.text(d, "__type__")) && !d.path("is_valid").asBoolean(true)) {
            String message = Failures.stripHtml(Json.text(d, "message"));
            String param = Json.text(d, "parameter_name");
            if (!message.isEmpty()) {
              return "The app rejected the input"
                  + (param == null ? "" : " for " + param)
                  + ": "
                  + message;
            }
          }
        }
      }
    } catch (IOException e) {
      log.debug("422 body is not JSON");
    }
    return "The app rejected the input.";
  }

  /** Stops OkHttp's threads and connections, unless the caller passed the client in. */
  void close() {
    if (settings.httpClient() == null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
