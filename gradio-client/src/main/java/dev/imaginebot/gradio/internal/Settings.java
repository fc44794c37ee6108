package dev.imaginebot.gradio.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import okhttp3.OkHttpClient;

/**
 * The client's settings as the internals see them (a copy of {@code GradioOptions}). Not part of
 * the public API.
 *
 * @param callbackExecutor null for the default (one daemon thread per client)
 * @param httpClient null for a fresh OkHttp client
 */
public record Settings(
    String hubUrl,
    String hfToken,
    String username,
    String password,
    Executor callbackExecutor,
    OkHttpClient httpClient,
    boolean strictArguments,
    Duration heartbeatTimeout,
    Duration deadline,
    Duration wakeTimeout,
    long maxDownloadBytes,
    Set<String> allowedFileHosts) {

  @Override
  public String toString() {
    // Never print the token or the password.
    return "Settings[hubUrl=" + hubUrl + ", strict=" + strictArguments + "]";
  }
}
