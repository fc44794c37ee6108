package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Where the token may go: only over https, and only to the Hub and {@code *.hf.space}. */
class HttpTransportTest {
  private static final HttpUrl HUB = HttpUrl.get("https://huggingface.co");
  private static final String TOKEN = "hf_secret";

  private static String header(String url, HttpUrl hub, String token) {
    return HttpTransport.tokenHeader(HttpUrl.get(url), hub, token);
  }

  @Test
  void anHfSpaceOverHttpsGetsTheProxyHeader() {
    assertThat(header("https://owner-app.hf.space/config", HUB, TOKEN))
        .isEqualTo("X-HF-Authorization");
  }

  @Test
  void theHubOverHttpsGetsAuthorization() {
    assertThat(header("https://huggingface.co/api/spaces/o/a/host", HUB, TOKEN))
        .isEqualTo("Authorization");
  }

  @Test
  void nothingGoesOverPlainHttpToASpaceOrARemoteHub() {
    assertThat(header("http://owner-app.hf.space/config", HUB, TOKEN)).isNull();
    HttpUrl plainHub = HttpUrl.get("http://hub.example.org");
    assertThat(header("http://hub.example.org/api/spaces/o/a/host", plainHub, TOKEN)).isNull();
  }

  @Test
  void aHubStandInOnLoopbackGetsItOverHttp() {
    HttpUrl standIn = HttpUrl.get("http://127.0.0.1:8123");
    assertThat(header("http://127.0.0.1:8123/api/spaces/o/a/host", standIn, TOKEN))
        .isEqualTo("Authorization");
  }

  @Test
  void hostsThatOnlyLookLikeTheHubOrASpaceGetNothing() {
    assertThat(header("https://owner-app.hf.space.example.org/config", HUB, TOKEN)).isNull();
    assertThat(header("https://evilhf.space/config", HUB, TOKEN)).isNull();
    assertThat(header("https://hf.space/config", HUB, TOKEN)).isNull();
    assertThat(header("https://huggingface.co.example.org/api", HUB, TOKEN)).isNull();
    assertThat(header("https://huggingface.co:8443/api", HUB, TOKEN)).isNull();
    assertThat(header("https://app.example.org/config", HUB, TOKEN)).isNull();
  }

  @Test
  void noTokenMeansNoHeader() {
    assertThat(header("https://owner-app.hf.space/config", HUB, null)).isNull();
    assertThat(header("https://huggingface.co/api", HUB, " ")).isNull();
  }

  @Test
  void withoutAHubOnlySpacesGetTheToken() {
    assertThat(header("https://huggingface.co/api", null, TOKEN)).isNull();
    assertThat(header("https://a-b.hf.space/config", null, TOKEN)).isEqualTo("X-HF-Authorization");
  }
}
