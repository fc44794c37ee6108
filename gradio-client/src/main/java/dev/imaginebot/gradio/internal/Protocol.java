package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.GradioException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queue protocol an app speaks, parsed once from its config's {@code protocol} field, with what
 * differs between the versions. A new protocol is one constant here and, if its flow is new, one
 * {@link Driver}.
 */
enum Protocol {
  /** Gradio 3.x: one websocket per job; files travel inline as data URLs. */
  WS("ws", Stream.WEBSOCKET_PER_JOB, false),
  /** Gradio 4.0–4.8: one SSE stream per job, data posted when the server asks for it. */
  SSE("sse", Stream.SSE_PER_JOB, false),
  /** Gradio 4.9–4.16: join by POST, one shared SSE stream per session. */
  SSE_V1("sse_v1", Stream.SSE_SESSION, false),
  /** Gradio 4.17–4.20: like v1, generator updates after the first are diffs. */
  SSE_V2("sse_v2", Stream.SSE_SESSION, true),
  /** Gradio 4.21: like v2; file data carries {@code meta._type}. */
  SSE_V2_1("sse_v2.1", Stream.SSE_SESSION, true),
  /** Gradio 4.22 to 6.x: like v2.1, and the stream announces its end with {@code close_stream}. */
  SSE_V3("sse_v3", Stream.SSE_SESSION, true);

  /** How a protocol carries a queued job's messages. */
  enum Stream {
    /** A websocket to {@code queue/join} per job (3.x). */
    WEBSOCKET_PER_JOB,
    /** An SSE {@code GET queue/join} per job, with the data sent on request (4.0–4.8). */
    SSE_PER_JOB,
    /** {@code POST queue/join}, and one {@code GET queue/data} stream per session (4.9+). */
    SSE_SESSION
  }

  private static final Pattern LATER_SSE = Pattern.compile("sse_v(\\d{1,3})(\\.\\d{1,3})?");

  private final String wire;
  private final Stream stream;
  private final boolean diffs;

  Protocol(String wire, Stream stream, boolean diffs) {
    this.wire = wire;
    this.stream = stream;
    this.diffs = diffs;
  }

  /**
   * The protocol a config declares.
   *
   * @param value the config's {@code protocol} field; null (absent) means the 3.x websocket
   * @throws GradioException with {@link FailureCode#PROTOCOL_ERROR} for a protocol this client does
   *     not know
   */
  static Protocol parse(String value) {
    if (value == null) return WS;
    for (Protocol p : values()) if (p.wire.equals(value)) return p;
    // A later sse_v release has so far only added messages to v3 (close_stream did): speak v3 to
    // it, as this client always has, rather than refuse a new Gradio release outright.
    Matcher later = LATER_SSE.matcher(value);
    if (later.matches() && Integer.parseInt(later.group(1)) >= 3) return SSE_V3;
    throw Failures.exception(
        FailureCode.PROTOCOL_ERROR,
        "The app speaks a queue protocol this client does not know (" + value + ").");
  }

  /** The name as the config spells it ({@code "sse_v2.1"}). */
  String wire() {
    return wire;
  }

  Stream stream() {
    return stream;
  }

  /** Whether all jobs of a client may share one session hash and one stream. */
  boolean sharesSession() {
    return stream == Stream.SSE_SESSION;
  }

  /** Whether generator updates after the first arrive as diffs. */
  boolean diffs() {
    return diffs;
  }

  /** Whether file inputs travel inline as data URLs (3.x) rather than uploaded first. */
  boolean filesInline() {
    return this == WS;
  }

  /**
   * Whether the server sends {@code heartbeat} messages, so that silence means a dead job. The 3.x
   * websocket has none; OkHttp's pings watch that connection instead.
   */
  boolean heartbeat() {
    return this != WS;
  }

  /** Whether the app lists its API at {@code /info}; 3.x apps are described from the config. */
  boolean hasInfo() {
    return this != WS;
  }

  /**
   * Whether the config's {@code enable_queue} decides if endpoints are queued (3.x, where it
   * defaults to false); from 4.0 the queue is always on and only an endpoint's own {@code queue:
   * false} skips it.
   */
  boolean queueOptional() {
    return this == WS;
  }

  /**
   * Whether a job is cancelled through the {@code /cancel} endpoint, which sessions have from
   * Gradio 4.31; before, the app's own cancel event is triggered, or the stream dropped.
   */
  boolean cancelEndpoint(int major, int minor) {
    return sharesSession() && (major > 4 || major == 4 && minor >= 31);
  }
}
