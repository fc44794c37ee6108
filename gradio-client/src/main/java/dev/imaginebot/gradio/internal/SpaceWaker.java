package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.JobListener;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Hub where a Space is served and waits while it builds or starts, telling the listener
 * each new stage. A sleeping Space is left to wake on the config request that follows.
 */
final class SpaceWaker {
  private static final Logger log = LoggerFactory.getLogger(SpaceWaker.class);
  private static final Set<String> WAIT_STAGES =
      Set.of("SLEEPING", "STOPPED", "BUILDING", "APP_STARTING", "RUNNING_APP_STARTING");
  private static final Set<String> RUN_STAGES = Set.of("RUNNING", "RUNNING_BUILDING");

  private final HttpTransport http;
  private final ClientSettings settings;
  private final String hubUrl;
  private final ScheduledExecutorService timer;

  SpaceWaker(
      HttpTransport http, ClientSettings settings, String hubUrl, ScheduledExecutorService timer) {
    this.http = http;
    this.settings = settings;
    this.hubUrl = hubUrl;
    this.timer = timer;
  }

  /**
   * The base URL of Space {@code id}: the host the Hub names, else the naming rule.
   *
   * @throws dev.imaginebot.gradio.GradioException when the Hub says there is no such Space, or that
   *     the caller may not see it
   */
  String resolveHost(String id) {
    Request request = http.get(hubUrl + "/api/spaces/" + id + "/host").build();
    try (Response r = http.execute(request)) {
      String text = r.body().string();
      if (r.code() == 404) {
        throw Failures.exception(
            FailureCode.SPACE_NOT_FOUND, "There is no Space called " + id + ".");
      }
      if (r.code() == 401 || r.code() == 403) {
        boolean hasToken = settings.hfToken() != null && !settings.hfToken().isBlank();
        throw Failures.exception(
            hasToken ? FailureCode.AUTH_DENIED : FailureCode.AUTH_REQUIRED,
            hasToken
                ? "The Space " + id + " does not exist or the token cannot see it."
                : "The Space "
                    + id
                    + " does not exist or is private (a Hugging Face token is needed).");
      }
      if (r.code() == 429) throw http.failure(r, text, "hub");
      if (r.isSuccessful()) {
        String host = Json.text(Json.parse(text), "host");
        if (host != null && !host.isBlank()) {
          return Connection.stripSlash(host.startsWith("http") ? host : "https://" + host);
        }
      }
      log.debug("Hub host lookup for {} answered HTTP {}; using the naming rule", id, r.code());
    } catch (IOException e) {
      log.debug("Hub host lookup for {} failed; using the naming rule", id, e);
    }
    return "https://" + id.toLowerCase(Locale.ROOT).replaceAll("[/_.]", "-") + ".hf.space";
  }

  /**
   * Polls the Space's stage until it runs or sleeps (then the config request wakes it), announcing
   * each new stage on {@code events}.
   *
   * @param deadline {@link System#nanoTime()} by which the Space must be up
   * @throws dev.imaginebot.gradio.GradioException when the Space cannot run, or does not start in
   *     time
   */
  void awaitRuntime(String id, long deadline, SerialExecutor events, JobListener listener) {
    String lastStage = null;
    long delay = 1000;
    while (true) {
      String stage;
      try (Response r = http.execute(http.get(hubUrl + "/api/spaces/" + id + "/runtime").build())) {
        String text = r.body().string();
        if (!r.isSuccessful()) {
          log.debug("runtime of {}: HTTP {}", id, r.code());
          return;
        }
        stage = Json.text(Json.parse(text), "stage");
      } catch (IOException e) {
        log.debug("runtime of {} unknown", id, e);
        return;
      }
      if (stage == null || RUN_STAGES.contains(stage)) return;
      if (!WAIT_STAGES.contains(stage)) {
        throw Failures.exception(FailureCode.SPACE_NOT_RUNNING, notRunningReason(id, stage));
      }
      if (!stage.equals(lastStage)) {
        String message = wakingMessage(stage);
        events.execute(() -> listener.onEvent(new Event.Waking(stage, message)));
        lastStage = stage;
      }
      // A sleeping Space wakes on its first request: the config fetch does that.
      if (stage.equals("SLEEPING") || stage.equals("STOPPED")) return;
      if (System.nanoTime() + delay * 1_000_000 > deadline) {
        throw Failures.exception(
            FailureCode.TIMEOUT,
            "The Space "
                + id
                + " did not start within "
                + Connection.human(settings.wakeTimeout())
                + ".");
      }
      pause(timer, delay);
      delay = Math.min(delay * 2, 5000);
    }
  }

  private static String wakingMessage(String stage) {
    switch (stage) {
      case "SLEEPING":
      case "STOPPED":
        return "The Space is asleep. Waking it up...";
      case "BUILDING":
        return "The Space is being built...";
      default:
        return "The Space is starting...";
    }
  }

  private static String notRunningReason(String id, String stage) {
    switch (stage) {
      case "PAUSED":
        return "The Space " + id + " is paused by its owner.";
      case "BUILD_ERROR":
        return "The Space " + id + " failed to build.";
      case "CONFIG_ERROR":
        return "The Space " + id + " has a configuration error.";
      case "RUNTIME_ERROR":
        return "The Space " + id + " crashed (runtime error).";
      case "NO_APP_FILE":
        return "The Space " + id + " has no app file.";
      case "DELETING":
        return "The Space " + id + " is being deleted.";
      default:
        return "The Space " + id + " is not running (" + stage.toLowerCase(Locale.ROOT) + ").";
    }
  }

  /** Waits on the timer thread rather than sleeping the caller's thread in a loop. */
  static void pause(ScheduledExecutorService timer, long millis) {
    try {
      timer.schedule(() -> null, millis, TimeUnit.MILLISECONDS).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.exception(FailureCode.TIMEOUT, "Interrupted while waiting for the app.");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }
}
