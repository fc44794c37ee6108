package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioException;
import dev.imaginebot.gradio.HostPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Downloads on their own: the origin rule, redirects, the size cap, data URLs. */
class FileTransferTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeSpace space = new FakeSpace();
  private HttpTransport http;
  private FileTransfer files;
  private String app;

  @BeforeEach
  void setUp() {
    server.setDispatcher(space);
    // The app on 127.0.0.1, so that "localhost" on the same port is another origin.
    app = "http://127.0.0.1:" + server.getPort();
    ClientSettings settings =
        new ClientSettings(
            "https://huggingface.co",
            null,
            null,
            null,
            null,
            null,
            false,
            Duration.ofSeconds(60),
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            1024 * 1024,
            Set.of("localhost"),
            Duration.ZERO,
            System::nanoTime,
            HostPolicy.open(),
            Duration.ofSeconds(10));
    HostRules rules =
        new HostRules(
            settings.hostPolicy(), settings.allowedFileHosts(), HttpUrl.get(settings.hubUrl()));
    rules.admit(app, "not allowed");
    rules.appOrigin(app);
    http = new HttpTransport(settings, rules, HttpUrl.get(settings.hubUrl()));
    files = new FileTransfer(http, rules, settings, app, app);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  private static FileRef ref(String url) {
    return new FileRef(url, null, null, null, null);
  }

  private static Consumer<GradioException> code(FailureCode expected, String text) {
    return e -> {
      assertThat(e.failure().code()).isEqualTo(expected);
      assertThat(e.failure().message()).contains(text);
    };
  }

  private static MockResponse redirect(String location) {
    return new MockResponse.Builder().code(302).addHeader("Location", location).build();
  }

  @Test
  void aRedirectOnTheAppsOriginIsFollowed() {
    space.routes.put("/file=a.png", r -> redirect("/file=b.png"));
    space.routes.put("/file=b.png", r -> new MockResponse.Builder().body("png").build());

    assertThat(files.download(ref(app + "/file=a.png"), 100))
        .isEqualTo("png".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRedirectToAnAllowedFileHostIsFollowed() {
    String cdn = "http://localhost:" + server.getPort();
    space.routes.put("/file=a.png", r -> redirect(cdn + "/cdn/a.png"));
    space.routes.put("/cdn/a.png", r -> new MockResponse.Builder().body("cdn").build());

    assertThat(files.download(ref(app + "/file=a.png"), 100))
        .isEqualTo("cdn".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRedirectLoopStopsAfterFiveHops() {
    space.routes.put("/file=loop.png", r -> redirect("/file=loop.png"));

    assertThatThrownBy(() -> files.download(ref(app + "/file=loop.png"), 100))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "redirects too often"));
    assertThat(space.requests).hasSize(HttpTransport.MAX_REDIRECTS);
  }

  @Test
  void aFileOnAnotherOriginIsRefusedWithoutARequest() {
    assertThatThrownBy(() -> files.download(ref("https://elsewhere.example.org/a.png"), 100))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "not hosted by the app"));
    assertThat(space.requests).isEmpty();
  }

  @Test
  void aFileOfExactlyTheCapIsTakenAndOneByteMoreIsNot() {
    space.routes.put("/file=ten", r -> new MockResponse.Builder().body("0123456789").build());

    assertThat(files.download(ref(app + "/file=ten"), 10)).hasSize(10);
    assertThatThrownBy(() -> files.download(ref(app + "/file=ten"), 9))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "larger than 9 bytes"));
  }

  @Test
  void aMissingFileIsRejectedAndAServerErrorIsALostConnection() {
    space.routes.put("/file=gone", r -> new MockResponse.Builder().code(404).build());
    space.routes.put("/file=broken", r -> new MockResponse.Builder().code(502).build());

    assertThatThrownBy(() -> files.download(ref(app + "/file=gone"), 100))
        .isInstanceOfSatisfying(GradioException.class, code(FailureCode.FILE_REJECTED, "HTTP 404"));
    assertThatThrownBy(() -> files.download(ref(app + "/file=broken"), 100))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.CONNECTION_LOST, "HTTP 502"));
  }

  @Test
  void aPercentEncodedDataUrlIsDecodedUnderTheCap() {
    assertThat(FileTransfer.decodeDataUrl("data:image/svg+xml,%3Csvg%2F%3E", 100))
        .isEqualTo("<svg/>".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> FileTransfer.decodeDataUrl("data:image/svg+xml,%3Csvg%2F%3E", 5))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "larger than 5 bytes"));
  }

  @Test
  void aMalformedDataUrlIsRejected() {
    assertThatThrownBy(() -> FileTransfer.decodeDataUrl("data:image/png;base64", 100))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "malformed"));
    // Bad padding; the MIME decoder skips stray characters such as line breaks, but not this.
    assertThatThrownBy(() -> FileTransfer.decodeDataUrl("data:image/png;base64,QQ=Q", 100))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "malformed"));
  }

  @Test
  void aHugeBase64DataUrlIsRefusedBeforeDecoding() {
    String big = "data:application/octet-stream;base64," + "A".repeat(4000);

    assertThatThrownBy(() -> FileTransfer.decodeDataUrl(big, 100))
        .isInstanceOfSatisfying(
            GradioException.class, code(FailureCode.FILE_REJECTED, "larger than 100 bytes"));
  }
}
