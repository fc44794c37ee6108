package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.HostPolicy;
import java.util.Set;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Which hosts may be contacted and which files downloaded. */
class HostRulesTest {
  private static final HttpUrl HUB = HttpUrl.get("https://huggingface.co");

  private static boolean mayDownload(HostRules rules, String url) {
    return rules.mayDownload(HttpUrl.get(url));
  }

  @Test
  void filesComeFromTheAppsOriginOnly() {
    HostRules rules = new HostRules(HostPolicy.open(), Set.of(), HUB);
    rules.appOrigin("https://owner-app.hf.space");

    assertThat(mayDownload(rules, "https://owner-app.hf.space/gradio_api/file=/tmp/a.png"))
        .isTrue();
    assertThat(mayDownload(rules, "http://owner-app.hf.space/file=a.png")).isFalse();
    assertThat(mayDownload(rules, "https://owner-app.hf.space:8443/file=a.png")).isFalse();
    assertThat(mayDownload(rules, "https://other-app.hf.space/file=a.png")).isFalse();
    // The Hub may be contacted, but it is not where files come from.
    assertThat(mayDownload(rules, "https://huggingface.co/file=a.png")).isFalse();
  }

  @Test
  void anAllowedFileHostServesOverHttpsOrOnLoopback() {
    HostRules rules = new HostRules(HostPolicy.open(), Set.of("cdn.example.org", "localhost"), HUB);
    rules.appOrigin("https://owner-app.hf.space");

    assertThat(mayDownload(rules, "https://cdn.example.org/a.png")).isTrue();
    assertThat(mayDownload(rules, "http://cdn.example.org/a.png")).isFalse();
    assertThat(mayDownload(rules, "http://localhost:8080/a.png")).isTrue();
    assertThat(mayDownload(rules, "https://sub.cdn.example.org/a.png")).isFalse();
  }

  @Test
  void anOriginIsWrittenWithoutTheDefaultPort() {
    assertThat(HostRules.originOf(HttpUrl.get("https://a.hf.space:443/x")))
        .isEqualTo("https://a.hf.space");
    assertThat(HostRules.originOf(HttpUrl.get("http://127.0.0.1:7860/x")))
        .isEqualTo("http://127.0.0.1:7860");
    assertThat(HostRules.originOf(HttpUrl.get("http://[::1]:7860/")))
        .isEqualTo("http://[::1]:7860");
  }

  @Test
  void anOpenPolicyTrustsTheAppTheCallerNamesButNothingElseOnLoopback() {
    HostRules rules = new HostRules(HostPolicy.open(), Set.of(), HUB);
    assertThat(rules.refusal("http://127.0.0.1:7860/config")).isPresent();

    rules.admit("http://127.0.0.1:7860/", "The app's address is not allowed");

    assertThat(rules.refusal("http://127.0.0.1:7860/config")).isEmpty();
    assertThat(rules.refusal("http://127.0.0.1:7861/config")).isPresent();
  }

  @Test
  void aStrictPolicyRefusesAnAppOnAPrivateAddress() {
    HostRules rules = new HostRules(HostPolicy.strict(), Set.of(), HUB);

    assertThatThrownBy(
            () -> rules.admit("http://10.0.0.5:7860/", "The app's address is not allowed"))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              assertThat(e.failure().code()).isEqualTo(FailureCode.HOST_REFUSED);
              assertThat(e.failure().message()).startsWith("The app's address is not allowed (");
            });
    assertThat(rules.refusal("http://10.0.0.5:7860/config")).isPresent();
  }

  @Test
  void credentialsInTheUrlAreNeverTrusted() {
    HostRules rules = new HostRules(HostPolicy.open(), Set.of(), HUB);

    assertThatThrownBy(() -> rules.admit("https://user:pw@app.example.org/", "not allowed"))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> assertThat(e.failure().code()).isEqualTo(FailureCode.HOST_REFUSED));
  }

  @Test
  void theHubAndTheFileHostsMayBeContactedUnderAStrictPolicy() {
    HostRules rules = new HostRules(HostPolicy.strict(), Set.of("cdn.example.org"), HUB);

    assertThat(rules.refusal("https://huggingface.co/api/spaces/o/a/host")).isEmpty();
    assertThat(rules.refusal("https://cdn.example.org/a.png")).isEmpty();
    assertThat(rules.refusal("https://elsewhere.example.org/a.png")).isPresent();
  }
}
