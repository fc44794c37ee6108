package dev.imaginebot.gradio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolTest {
  @Test
  void everyKnownValueParsesToItsConstant() {
    assertThat(Protocol.parse("ws")).isEqualTo(Protocol.WS);
    assertThat(Protocol.parse("sse")).isEqualTo(Protocol.SSE);
    assertThat(Protocol.parse("sse_v1")).isEqualTo(Protocol.SSE_V1);
    assertThat(Protocol.parse("sse_v2")).isEqualTo(Protocol.SSE_V2);
    assertThat(Protocol.parse("sse_v2.1")).isEqualTo(Protocol.SSE_V2_1);
    assertThat(Protocol.parse("sse_v3")).isEqualTo(Protocol.SSE_V3);
  }

  @Test
  void wireNameParsesBackToTheSameConstant() {
    for (Protocol p : Protocol.values()) assertThat(Protocol.parse(p.wire())).isEqualTo(p);
  }

  @Test
  void missingFieldMeansTheWebsocketOf3x() {
    assertThat(Protocol.parse(null)).isEqualTo(Protocol.WS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sse_v4", "sse_v3.1", "sse_v10"})
  void aLaterSseVersionIsSpokenAsV3(String value) {
    assertThat(Protocol.parse(value)).isEqualTo(Protocol.SSE_V3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "", "WS", "sse_v", "sse_vx", "sse_v1.5", "sse_v2.2", "sse_v0"})
  void anUnknownValueFailsWithProtocolError(String value) {
    assertThatThrownBy(() -> Protocol.parse(value))
        .isInstanceOfSatisfying(
            GradioException.class,
            e -> {
              assertThat(e.failure().code()).isEqualTo(FailureCode.PROTOCOL_ERROR);
              assertThat(e.failure().message()).contains("does not know", "(" + value + ")");
            });
  }

  @Test
  void onlyThe3xWebsocketSendsFilesInlineAndHasNoHeartbeatOrInfo() {
    for (Protocol p : Protocol.values()) {
      boolean ws = p == Protocol.WS;
      assertThat(p.filesInline()).as("%s files inline", p).isEqualTo(ws);
      assertThat(p.heartbeat()).as("%s heartbeat", p).isEqualTo(!ws);
      assertThat(p.hasInfo()).as("%s /info", p).isEqualTo(!ws);
      assertThat(p.queueOptional()).as("%s enable_queue", p).isEqualTo(ws);
    }
  }

  @Test
  void eachProtocolCarriesJobsOnItsOwnKindOfStream() {
    assertThat(Protocol.WS.stream()).isEqualTo(Protocol.Stream.WEBSOCKET_PER_JOB);
    assertThat(Protocol.SSE.stream()).isEqualTo(Protocol.Stream.SSE_PER_JOB);
    assertThat(Protocol.SSE_V1.stream()).isEqualTo(Protocol.Stream.SSE_SESSION);
    assertThat(Protocol.SSE_V2.stream()).isEqualTo(Protocol.Stream.SSE_SESSION);
    assertThat(Protocol.SSE_V2_1.stream()).isEqualTo(Protocol.Stream.SSE_SESSION);
    assertThat(Protocol.SSE_V3.stream()).isEqualTo(Protocol.Stream.SSE_SESSION);
    assertThat(Protocol.WS.sharesSession()).isFalse();
    assertThat(Protocol.SSE.sharesSession()).isFalse();
    assertThat(Protocol.SSE_V1.sharesSession()).isTrue();
  }

  @Test
  void diffsStartWithSseV2() {
    assertThat(Protocol.WS.diffs()).isFalse();
    assertThat(Protocol.SSE.diffs()).isFalse();
    assertThat(Protocol.SSE_V1.diffs()).isFalse();
    assertThat(Protocol.SSE_V2.diffs()).isTrue();
    assertThat(Protocol.SSE_V2_1.diffs()).isTrue();
    assertThat(Protocol.SSE_V3.diffs()).isTrue();
  }

  @Test
  void theCancelEndpointExistsOnSessionsFromGradio431() {
    assertThat(Protocol.SSE_V3.cancelEndpoint(4, 30)).isFalse();
    assertThat(Protocol.SSE_V3.cancelEndpoint(4, 31)).isTrue();
    assertThat(Protocol.SSE_V3.cancelEndpoint(5, 0)).isTrue();
    assertThat(Protocol.SSE_V3.cancelEndpoint(6, 31)).isTrue();
    assertThat(Protocol.SSE_V1.cancelEndpoint(4, 12)).isFalse();
    // Per-job streams are cancelled by the app's cancel event or by dropping the stream.
    assertThat(Protocol.WS.cancelEndpoint(5, 0)).isFalse();
    assertThat(Protocol.SSE.cancelEndpoint(5, 0)).isFalse();
  }
}
