package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.JobListener;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what an app says about itself: logs in when there are credentials, fetches {@code /config}
 * (waiting while the app starts), and {@code /info} where the protocol has it, into an {@link
 * AppModel}; and asks for the app's {@code app_id} to see whether it restarted.
 */
final class ConfigReader {
  private static final Logger log = LoggerFactory.getLogger(ConfigReader.class);
  private static final Pattern WINDOW_CONFIG =
      Pattern.compile("window\\.gradio_config\\s*=\\s*(\\{.*?\\});?\\s*</script>", Pattern.DOTALL);

  private final HttpTransport http;
  private final ClientSettings settings;
  private final String base;
  private final boolean patient;
  private final ScheduledExecutorService timer;

  /**
   * @param base the app's base URL, without a trailing slash
   * @param patient whether a failing connection may be a Space that is starting (Hugging Face), and
   *     so worth waiting for
   */
  ConfigReader(
      HttpTransport http,
      ClientSettings settings,
      String base,
      boolean patient,
      ScheduledExecutorService timer) {
    this.http = http;
    this.settings = settings;
    this.base = base;
    this.patient = patient;
    this.timer = timer;
  }

  /** Logs in with the settings' username and password; the cookies stay in the jar. */
  void login() {
    RequestBody form =
        new FormBody.Builder()
            .add("username", settings.username())
            .add("password", settings.password())
            .build();
    try (Response r = http.execute(new Request.Builder().url(base + "/login").post(form).build())) {
      String text = r.body().string();
      if (r.isSuccessful()) return;
      log.debug("login answered HTTP {}: {}", r.code(), text);
      if (r.code() == 400 || r.code() == 401 || r.code() == 403) {
        throw Failures.exception(
            FailureCode.AUTH_DENIED, "The app refused the username or password.");
      }
      if (r.code() == 429) throw http.failure(r, text, "login");
    } catch (IOException e) {
      throw new GradioException(
          Failure.of(FailureCode.CONNECTION_LOST, "Could not reach the app to log in."), e);
    }
  }

  /**
   * Reads config and API.
   *
   * @param deadline {@link System#nanoTime()} until which a starting app is waited for
   * @param events where the {@link Event.Waking} for a starting app is announced
   * @throws GradioException when they cannot be read
   */
  AppModel read(long deadline, SerialExecutor events, JobListener listener) {
    JsonNode config = fetchConfig(deadline, events, listener);
    JsonNode info = null;
    if (AppModel.usesInfo(config)) {
      String prefix = AppModel.prefixOf(config);
      try (Response r = http.execute(http.get(base + prefix + "/info").build())) {
        String text = r.body().string();
        if (r.isSuccessful()) info = Json.parse(text);
        else log.debug("info answered HTTP {}; describing the API from the config", r.code());
      } catch (IOException e) {
        HttpTransport.HostRefusedException refused = HttpTransport.refusalIn(e);
        if (refused != null) throw HttpTransport.hostRefused(refused);
        log.debug("info unreadable; describing the API from the config", e);
      }
    }
    return AppModel.parse(base, config, info);
  }

  private JsonNode fetchConfig(long deadline, SerialExecutor events, JobListener listener) {
    long delay = 500;
    boolean announced = false;
    while (true) {
      String reason;
      try (Response r = http.execute(http.get(base + "/config").build())) {
        String text = r.body().string();
        int code = r.code();
        if (code == 200) {
          JsonNode config = parseConfig(text);
          if (config != null) return config;
          reason = "HTML instead of config";
        } else if (code == 401 || code == 403) {
          log.debug("config answered HTTP {}: {}", code, text);
          boolean gradioAuth = text.contains("Not authenticated");
          boolean hasToken = settings.hfToken() != null && !settings.hfToken().isBlank();
          if (gradioAuth) {
            throw Failures.exception(
                settings.username() != null ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
                settings.username() != null
                    ? "The app refused the username or password."
                    : "The app needs a login (username and password).");
          }
          throw Failures.exception(
              hasToken ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
              hasToken
                  ? "The Space refused the Hugging Face token."
                  : "The Space is private; a Hugging Face token with access is needed.");
        } else if (code == 404) {
          JsonNode config = pageConfig();
          if (config != null) return config;
          throw Failures.exception(
              FailureCode.SPACE_NOT_FOUND, "There is no Gradio app at " + base + ".");
        } else if (code == 429) {
          throw http.failure(r, text, "config");
        } else if (code == 502 || code == 503 || code == 504) {
          reason = "HTTP " + code;
        } else {
          log.debug("config answered HTTP {}: {}", code, text);
          throw Failures.exception(
              FailureCode.PROTOCOL_ERROR,
              "The app's configuration could not be read (HTTP " + code + ").");
        }
      } catch (IOException e) {
        HttpTransport.HostRefusedException refused = HttpTransport.refusalIn(e);
        if (refused != null) throw HttpTransport.hostRefused(refused);
        // A host that does not resolve is not a Space that is starting: waiting cannot help.
        if (!patient || e instanceof UnknownHostException) {
          String why = Failures.unreachable(e);
          throw new GradioException(
              Failure.of(
                  why == null ? FailureCode.CONNECTION_LOST : FailureCode.UNREACHABLE,
                  "Could not reach the app at " + base + (why == null ? "." : ": " + why + ".")),
              e);
        }
        reason = e.toString();
      }
      log.debug("app at {} is starting ({}); retrying", base, reason);
      if (!announced) {
        announced = true;
        events.execute(
            () -> listener.onEvent(new Event.Waking("APP_STARTING", "The app is starting...")));
      }
      if (System.nanoTime() + delay * 1_000_000 > deadline) {
        throw Failures.exception(
            FailureCode.TIMEOUT,
            "The app did not start within " + Connection.human(settings.wakeTimeout()) + ".");
      }
      SpaceWaker.pause(timer, delay);
      delay = Math.min(delay * 2, 5000);
    }
  }

  private static JsonNode parseConfig(String text) {
    String trimmed = text.trim();
    if (trimmed.startsWith("{")) {
      try {
        JsonNode node = Json.parse(trimmed);
        if (node.isObject() && (node.has("dependencies") || node.has("components"))) return node;
      } catch (IOException e) {
        log.debug("config is not JSON");
      }
      return null;
    }
    Matcher m = WINDOW_CONFIG.matcher(text);
    if (m.find()) {
      try {
        return Json.parse(m.group(1));
      } catch (IOException e) {
        log.debug("window.gradio_config is not JSON");
      }
    }
    return null;
  }

  /** The config old apps embed in their page, or null. */
  private JsonNode pageConfig() {
    try (Response r = http.execute(http.get(base + "/").build())) {
      if (!r.isSuccessful()) return null;
      return parseConfig(r.body().string());
    } catch (IOException e) {
      HttpTransport.HostRefusedException refused = HttpTransport.refusalIn(e);
      if (refused != null) throw HttpTransport.hostRefused(refused);
      return null;
    }
  }

  /**
   * The app's current {@code app_id}, or null when it cannot say (no {@code /app_id} before 4.40,
   * or the request failed). Costs one request.
   */
  String appId(AppModel m) {
    if (!m.atLeast(4, 40) || m.app.appId() == null) return null;
    try (Response r = http.execute(http.get(base + m.prefix + "/app_id").build())) {
      String text = r.body().string();
      if (!r.isSuccessful()) {
        log.debug("app_id answered HTTP {}", r.code());
        return null;
      }
      return Json.text(Json.parse(text), "app_id");
    } catch (IOException e) {
      log.debug("app_id check failed", e);
      return null;
    }
  }
}
