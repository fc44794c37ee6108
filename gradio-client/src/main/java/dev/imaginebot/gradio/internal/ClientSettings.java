package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.HostPolicy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import okhttp3.OkHttpClient;

/**
 * The client's settings as the internals see them (a copy of {@code GradioOptions}). Not part of
 * the public API.
 *
 * @param callbackExecutor null for the default (one daemon thread per client)
 * @param httpClient null for a fresh OkHttp client
 * @param idleRevalidation after this long without a job, check {@code app_id}; zero for never
 * @param ticker a nanosecond clock for the idle check ({@code System::nanoTime}; tests pass their
 *     own)
 * @param hostPolicy which hosts may be reached
 * @param downloadTimeout overall time for one file download
 */
public record ClientSettings(
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
    Set<String> allowedFileHosts,
    Duration idleRevalidation,
    LongSupplier ticker,
    HostPolicy hostPolicy,
    Duration downloadTimeout) {

  @Override
  public String toString() {
    // Never print the token or the password.
    return "ClientSettings[hubUrl=" + hubUrl + ", strict=" + strictArguments + "]";
  }
}
