package dev.imaginebot.gradio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPolicyTest {
  private final HostPolicy strict = HostPolicy.strict();
  private final HostPolicy open = HostPolicy.open();

  @Test
  void strictTakesSpaceIdsAndHfSpaceOverHttpsOnly() {
    assertThat(strict.refusal("black-forest-labs/FLUX.1-schnell")).isEmpty();
    assertThat(strict.refusal("https://owner-name.hf.space")).isEmpty();
    assertThat(strict.refusal("https://owner-name.hf.space./gradio_api")).isEmpty();
    assertThat(strict.refusal("http://owner-name.hf.space")).isPresent();
    assertThat(strict.refusal("https://owner-name.hf.space:8443")).isPresent();
    assertThat(strict.refusal("https://hf.space.example.org")).isPresent();
    assertThat(strict.refusal("https://example.org")).isPresent();
    assertThat(strict.refusal("https://93.184.215.14/")).isPresent();
    assertThat(strict.refusal("ftp://owner-name.hf.space")).isPresent();
    assertThat(strict.refusal("not a space")).isPresent();
  }

  @Test
  void openTakesPublicHostsAndAddresses() {
    assertThat(open.refusal("https://example.org/app")).isEmpty();
    assertThat(open.refusal("http://93.184.215.14:7860/")).isEmpty();
    assertThat(open.refusal("http://[2606:4700::6810:84e5]/")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.9:8099",
        "http://127.0.0.1./",
        "http://localhost:7860",
        "http://LOCALHOST./",
        "http://app.localhost/",
        "http://0.0.0.0/",
        "http://10.0.0.5:8443/",
        "http://172.16.1.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://198.18.0.1/",
        "http://[::1]:8099",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:9]/",
        "http://[::ffff:10.0.0.5]/",
        "http://[::127.0.0.1]/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2001:db8::1]/",
        "http://2130706441/",
        "http://0177.0.0.1/",
        "http://0x7f.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://127.0.0.01/",
        "http://%31%32%37.0.0.1/",
        "http://user@example.org/",
        "http://127.0.0.1:7860@127.0.0.9:8099/",
      })
  void specialAndTrickyHostsAreRefusedByBoth(String url) {
    assertThat(open.refusal(url)).as(url).isPresent();
    assertThat(strict.refusal(url)).as(url).isPresent();
  }

  @Test
  void anAllowedUrlAllowsItsOriginOnly() {
    HostPolicy p = strict.allowing(List.of("http://127.0.0.1:7860/flux"));
    assertThat(p.refusal("http://127.0.0.1:7860/mj")).isEmpty();
    assertThat(p.refusal("http://127.0.0.1.:7860/x")).isEmpty();
    assertThat(p.refusal("http://127.0.0.1:7861/")).isPresent();
    assertThat(p.refusal("https://127.0.0.1:7860/")).isPresent();
    assertThat(p.refusal("http://127.0.0.9:7860/")).isPresent();
  }

  @Test
  void credentialsInAUrlAreRefusedEvenWhenTheyNameAnAllowedOrigin() {
    HostPolicy p = strict.allowing(List.of("http://127.0.0.1:7860"));
    assertThat(p.refusal("http://127.0.0.1:7860@127.0.0.9:8099/")).isPresent();
    assertThat(p.refusal("http://x:y@127.0.0.1:7860/")).isPresent();
  }

  @Test
  void hostEntriesAllowAnyPortAndPatternsTheirSubdomains() {
    HostPolicy p = strict.allowing(List.of("gradio.lan", "10.0.0.5:8443", "*.apps.example.org"));
    assertThat(p.refusal("http://gradio.lan:7860/")).isEmpty();
    assertThat(p.refusal("https://gradio.lan/")).isEmpty();
    assertThat(p.refusal("https://10.0.0.5:8443/")).isEmpty();
    assertThat(p.refusal("https://10.0.0.5:8444/")).isPresent();
    assertThat(p.refusal("https://a.apps.example.org/")).isEmpty();
    assertThat(p.refusal("https://apps.example.org/")).isPresent();
    assertThat(p.refusal("https://evilapps.example.org/")).isPresent();
  }

  @Test
  void spaceIdsInTheAllowListAreSkippedAndBadEntriesRefused() {
    assertThat(strict.allowing(List.of("owner/name")).toString()).isEqualTo("HostPolicy.strict[]");
    assertThatThrownBy(() -> strict.allowing(List.of("http://a:b@host/")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> strict.allowing(List.of("host/path/x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> strict.allowing(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resolvedAddressesMustBePublicUnlessTheHostIsAllowed() throws Exception {
    InetAddress internal = InetAddress.getByName("10.0.0.5");
    InetAddress loopback = InetAddress.getByName("127.0.0.9");
    InetAddress mapped = InetAddress.getByName("::ffff:127.0.0.1");
    InetAddress publicOne = InetAddress.getByName("93.184.215.14");
    assertThat(open.refusal("owner-app.hf.space", internal)).isPresent();
    assertThat(strict.refusal("evil.example", loopback)).isPresent();
    assertThat(strict.refusal("evil.example", mapped)).isPresent();
    assertThat(strict.refusal("owner-app.hf.space", publicOne)).isEmpty();
    HostPolicy p = strict.allowing(List.of("gradio.lan"));
    assertThat(p.refusal("gradio.lan.", internal)).isEmpty();
    assertThat(p.refusal("other.lan", internal)).isPresent();
  }

  @Test
  void apiPrefixMustBeAPlainPath() {
    assertThat(HostPolicy.isPlainPath(null)).isTrue();
    assertThat(HostPolicy.isPlainPath("")).isTrue();
    assertThat(HostPolicy.isPlainPath("/")).isTrue();
    assertThat(HostPolicy.isPlainPath("/gradio_api")).isTrue();
    assertThat(HostPolicy.isPlainPath("/gradio_api/")).isTrue();
    assertThat(HostPolicy.isPlainPath("/a/b-c.d~e")).isTrue();
    for (String bad :
        List.of(
            "@10.0.0.5:8443/x",
            "/@10.0.0.5",
            "gradio_api",
            ".evil.example",
            ":8443/x",
            "//evil.example/x",
            "/a//b",
            "/../x",
            "/a/./b",
            "/a\\b",
            "/a?b",
            "/a#b",
            "/a%2f..",
            "/a:b",
            "https://evil.example",
            "/a b")) {
      assertThat(HostPolicy.isPlainPath(bad)).as(bad).isFalse();
    }
  }
}
