package dev.imaginebot.gradio.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A mockwebserver3 dispatcher that plays a Gradio 6.x app (sse_v3, {@code /gradio_api} prefix):
 * config, info, queue join, the session stream and extra routes a test adds.
 */
final class FakeSpace extends Dispatcher {
  static final String CONFIG =
      """
      {"version":"6.31.0","protocol":"sse_v3","api_prefix":"/gradio_api","app_id":1234,
       "enable_queue":true,
       "components":[
         {"id":1,"type":"textbox","props":{"label":"Prompt","value":""}},
         {"id":2,"type":"slider","props":{"label":"Seed","value":0,"minimum":0,"maximum":100,"step":1}},
         {"id":3,"type":"state","props":{"value":null},"skip_api":true},
         {"id":4,"type":"image","props":{"label":"Result"}},
         {"id":5,"type":"number","props":{"label":"Seed"}},
         {"id":6,"type":"textbox","props":{"label":"Text"}}],
       "dependencies":[
         {"id":0,"inputs":[1,2,3],"outputs":[4,5],"api_name":"infer","queue":null,"backend_fn":true},
         {"id":1,"inputs":[1],"outputs":[6],"api_name":"gen","backend_fn":true},
         {"id":2,"inputs":[1],"outputs":[6],"api_name":null,"backend_fn":true},
         {"id":3,"inputs":[1],"outputs":[6],"api_name":"hidden","api_visibility":"private","backend_fn":true}]}
      """;
  static final String INFO =
      """
      {"named_endpoints":{
        "/infer":{"parameters":[
          {"label":"Prompt","parameter_name":"prompt","parameter_has_default":false,"parameter_default":null,
           "type":{"type":"string"},"python_type":{"type":"str","description":""},"component":"Textbox"},
          {"label":"Seed","parameter_name":"seed","parameter_has_default":true,"parameter_default":0,
           "type":{"type":"number"},"python_type":{"type":"float","description":""},"component":"Slider"}],
         "returns":[{"label":"Result","python_type":{"type":"filepath"},"component":"Image"},
                    {"label":"Seed","python_type":{"type":"float"},"component":"Number"}]},
        "/gen":{"parameters":[
          {"label":"Prompt","parameter_name":"prompt","parameter_has_default":true,"parameter_default":"",
           "type":{"type":"string"},"python_type":{"type":"str","description":""},"component":"Textbox"}],
         "returns":[{"label":"Text","python_type":{"type":"str"},"component":"Textbox"}]}},
       "unnamed_endpoints":{"2":{"parameters":[
          {"label":"Prompt","parameter_name":"prompt","parameter_has_default":true,"parameter_default":"",
           "type":{"type":"string"},"python_type":{"type":"str","description":""},"component":"Textbox"}],
         "returns":[{"label":"Text","python_type":{"type":"str"},"component":"Textbox"}]}}}
      """;

  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger joins = new AtomicInteger();
  final Map<String, Function<RecordedRequest, MockResponse>> routes = new ConcurrentHashMap<>();
  volatile Function<RecordedRequest, MockResponse> join =
      r -> json(200, "{\"event_id\":\"e" + joins.get() + "\"}");

  /** The stream's SSE body; {@code EVENT} is replaced by the latest event id. */
  volatile Function<RecordedRequest, MockResponse> stream = r -> sse(completed("EVENT"));

  static AppModel model(String base) {
    try {
      return AppModel.parse(base, Json.parse(CONFIG), Json.parse(INFO));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    String path = request.getUrl().encodedPath();
    for (Map.Entry<String, Function<RecordedRequest, MockResponse>> e : routes.entrySet()) {
      if (path.equals(e.getKey())) return e.getValue().apply(request);
    }
    switch (path) {
      case "/config":
        return json(200, CONFIG);
      case "/gradio_api/info":
        return json(200, INFO);
      case "/gradio_api/queue/join":
        joins.incrementAndGet();
        return join.apply(request);
      case "/gradio_api/queue/data":
        MockResponse r = stream.apply(request);
        return r;
      default:
        return new MockResponse.Builder().code(404).body("{\"detail\":\"Not Found\"}").build();
    }
  }

  long count(String path) {
    return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).count();
  }

  String latestEvent() {
    return "e" + joins.get();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  /** An SSE body of {@code data:} lines; a v3 stream ends with close_stream. */
  static String events(String... messages) {
    StringBuilder sb = new StringBuilder();
    for (String m : messages) sb.append("data: ").append(m).append("\n\n");
    return sb.toString();
  }

  MockResponse sse(String... messages) {
    String body = events(messages).replace("EVENT", latestEvent());
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .body(body + events("{\"msg\":\"close_stream\",\"event_id\":null}"))
        .build();
  }

  /**
   * A stream that delivers {@code messages} at once and then stays open, silent (an SSE comment
   * trickles out slowly, so the response never ends during a test).
   */
  static MockResponse openStream(String... messages) {
    String head = events(messages);
    int chunk = Math.max(head.length(), 1);
    String body = head + ":" + "x".repeat(chunk * 60) + "\n\n";
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream")
        .body(body)
        .throttleBody(chunk, 1, java.util.concurrent.TimeUnit.SECONDS)
        .build();
  }

  static String completed(String eventId) {
    return "{\"msg\":\"process_completed\",\"event_id\":\""
        + eventId
        + "\",\"success\":true,\"output\":{\"data\":[{\"path\":\"/tmp/gradio/a/image.webp\","
        + "\"url\":\"/gradio_api/file=/tmp/gradio/a/image.webp\",\"orig_name\":\"image.webp\","
        + "\"meta\":{\"_type\":\"gradio.FileData\"}},5],\"is_generating\":false,\"duration\":0.5}}";
  }
}
