package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.HostPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that says which hosts a client may contact and which files it may download: the
 * caller's {@link HostPolicy}, which trusts the allowed file hosts and the Hub and, when it is
 * open, the app the caller named; and the download rule, which takes files only from the app's
 * origin or from an allowed file host over https (or on loopback, for tests).
 */
final class HostRules {
  private static final Logger log = LoggerFactory.getLogger(HostRules.class);

  private final Set<String> fileHosts;
  private volatile HostPolicy policy;
  private volatile String appOrigin;

  /**
   * @param hub the Hub's URL, or null when it is not one
   */
  HostRules(HostPolicy policy, Set<String> fileHosts, HttpUrl hub) {
    this.fileHosts = Set.copyOf(fileHosts);
    List<String> trusted = new ArrayList<>(fileHosts);
    if (hub != null) trusted.add(originOf(hub));
    this.policy = policy.allowing(trusted);
  }

  /** Why {@code url} may not be reached, or empty when it may. */
  Optional<String> refusal(String url) {
    return policy.refusal(url);
  }

  /** Why {@code host} may not be reached at {@code address}, or empty when it may. */
  Optional<String> refusal(String host, InetAddress address) {
    return policy.refusal(host, address);
  }

  /**
   * Adds {@code url}'s origin to an open policy (the caller chose this app), then refuses it when
   * the policy does not allow it.
   *
   * @param what the start of the failure message
   * @throws dev.imaginebot.gradio.GradioException with {@link FailureCode#HOST_REFUSED}
   */
  void admit(String url, String what) {
    HttpUrl parsed = HttpUrl.parse(url);
    boolean credentials =
        parsed == null || !parsed.username().isEmpty() || !parsed.password().isEmpty();
    if (!policy.isStrict() && !credentials) policy = policy.allowing(List.of(originOf(parsed)));
    Optional<String> refusal = policy.refusal(url);
    if (refusal.isPresent()) {
      log.info("refused {}: {}", url, refusal.get());
      throw Failures.exception(FailureCode.HOST_REFUSED, what + " (" + refusal.get() + ").");
    }
  }

  /** Names the origin the app is served from; files from there may be downloaded. */
  void appOrigin(String origin) {
    this.appOrigin = origin;
  }

  /** Whether a file at {@code url} may be downloaded. */
  boolean mayDownload(HttpUrl url) {
    if (originOf(url).equals(appOrigin)) return true;
    return fileHosts.contains(url.host())
        && (url.scheme().equals("https")
            || url.host().equals("127.0.0.1")
            || url.host().equals("localhost"));
  }

  /** {@code scheme://host[:port]}, the port only when it is not the scheme's default. */
  static String originOf(HttpUrl url) {
    boolean defaultPort = url.port() == HttpUrl.defaultPort(url.scheme());
    String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    return url.scheme() + "://" + host + (defaultPort ? "" : ":" + url.port());
  }
}
