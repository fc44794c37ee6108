package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.AppInfo;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.HostPolicy;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.ReturnValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** An app's config and API, parsed once and cached per client. */
final class AppModel {
  final AppInfo app;
  final Protocol protocol;
  final String prefix;
  final boolean enableQueue;
  final int[] version;
  final List<EndpointSpec> specs;
  final ApiInfo api;

  /** For a fn_index, a dependency whose {@code cancels} names it (the pre-4.31 cancel path). */
  final Map<Integer, Integer> cancellers;

  private AppModel(
      AppInfo app,
      Protocol protocol,
      String prefix,
      boolean enableQueue,
      int[] version,
      List<EndpointSpec> specs,
      Map<Integer, Integer> cancellers) {
    this.app = app;
    this.cancellers = Map.copyOf(cancellers);
    this.protocol = protocol;
    this.prefix = prefix;
    this.enableQueue = enableQueue;
    this.version = version;
    this.specs = List.copyOf(specs);
    List<Endpoint> endpoints = new ArrayList<>();
    List<Endpoint> unlisted = new ArrayList<>();
    for (EndpointSpec s : specs) {
      if (s.listed()) endpoints.add(s.endpoint());
      else if (s.visible()) unlisted.add(s.endpoint());
    }
    this.api = new ApiInfo(endpoints, unlisted);
  }

  /**
   * The protocol the config declares; a missing key means the 3.x websocket.
   *
   * @throws dev.imaginebot.gradio.GradioException for a protocol this client does not know
   */
  static Protocol protocolOf(JsonNode config) {
    return Protocol.parse(Json.text(config, "protocol"));
  }

  static String prefixOf(JsonNode config) {
    String p = Json.text(config, "api_prefix");
    if (p == null || p.equals("/")) return "";
    // Pasted after the base URL: anything but a plain path could change the host.
    if (!HostPolicy.isPlainPath(p)) {
      throw Failures.exception(
          FailureCode.PROTOCOL_ERROR, "The app's configuration names an unusable API path.");
    }
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  static boolean usesInfo(JsonNode config) {
    return protocolOf(config).hasInfo();
  }

  /**
   * Builds the model from {@code /config} and, when the app has one, {@code /info}.
   *
   * @param info null for apps that are described from the config alone
   */
  static AppModel parse(String baseUrl, JsonNode config, JsonNode info) {
    Protocol protocol = protocolOf(config);
    String prefix = prefixOf(config);
    String versionText = Json.text(config, "version");
    if (versionText == null) versionText = "2.0";
    int[] version = parseVersion(versionText);
    JsonNode eq = config.get("enable_queue");
    boolean enableQueue = eq == null || eq.isNull() ? !protocol.queueOptional() : eq.asBoolean();
    AppInfo app =
        new AppInfo(
            baseUrl,
            versionText,
            // As the app spells it, also when this client speaks an older version to it.
            Objects.requireNonNullElse(Json.text(config, "protocol"), protocol.wire()),
            prefix,
            Json.text(config, "app_id"),
            Json.text(config, "space_id"));

    Map<Integer, JsonNode> components = new HashMap<>();
    for (JsonNode c : config.path("components")) components.put(c.path("id").asInt(), c);

    JsonNode named = info == null ? null : info.get("named_endpoints");
    JsonNode unnamed = info == null ? null : info.get("unnamed_endpoints");
    List<EndpointSpec> specs = new ArrayList<>();
    Map<Integer, Integer> cancellers = new HashMap<>();
    JsonNode deps = config.path("dependencies");
    for (int i = 0; i < deps.size(); i++) {
      JsonNode dep = deps.get(i);
      int index = dep.has("id") && dep.get("id").isInt() ? dep.get("id").asInt() : i;
      for (JsonNode c : dep.path("cancels")) cancellers.putIfAbsent(c.asInt(), index);
      if (dep.has("backend_fn") && !dep.path("backend_fn").asBoolean(true)) continue;
      int fnIndex = dep.has("id") && dep.get("id").isInt() ? dep.get("id").asInt() : i;
      JsonNode apiNameNode = dep.get("api_name");
      String apiName =
          apiNameNode != null && apiNameNode.isTextual() && !apiNameNode.textValue().isEmpty()
              ? apiNameNode.textValue()
              : null;
      boolean isPrivate =
          (apiNameNode != null && apiNameNode.isBoolean() && !apiNameNode.asBoolean())
              || "private".equals(Json.text(dep, "api_visibility"));
      String name = apiName == null ? null : "/" + apiName;

      List<Boolean> skip = new ArrayList<>();
      List<JsonNode> inputs = new ArrayList<>();
      for (JsonNode id : dep.path("inputs")) {
        JsonNode comp = components.get(id.asInt());
        inputs.add(comp);
        skip.add(isSkipped(comp));
      }
      JsonNode infoEndpoint = null;
      if (name != null && named != null) infoEndpoint = named.get(name);
      if (infoEndpoint == null && unnamed != null)
        infoEndpoint = unnamed.get(String.valueOf(fnIndex));
      if (infoEndpoint == null && unnamed != null) infoEndpoint = unnamed.get(fnIndex);

      List<Parameter> params = new ArrayList<>();
      int visibleInputs = (int) skip.stream().filter(s -> !s).count();
      JsonNode infoParams = infoEndpoint == null ? null : infoEndpoint.get("parameters");
      boolean fromInfo = infoParams != null && infoParams.size() == visibleInputs;
      int p = 0;
      int[] slots = new int[inputs.size()];
      for (int j = 0; j < inputs.size(); j++) {
        if (skip.get(j)) {
          slots[j] = -1;
          continue;
        }
        JsonNode comp = inputs.get(j);
        params.add(
            fromInfo
                ? parameterFromInfo(infoParams.get(p), comp, p)
                : parameterFromConfig(comp, p));
        slots[j] = p++;
      }

      List<ReturnValue> returns = new ArrayList<>();
      JsonNode infoReturns = infoEndpoint == null ? null : infoEndpoint.get("returns");
      List<Integer> outputs = new ArrayList<>();
      for (JsonNode id : dep.path("outputs")) outputs.add(id.asInt());
      if (infoReturns != null && infoReturns.size() > 0) {
        for (JsonNode r : infoReturns) {
          returns.add(
              new ReturnValue(
                  Json.text(r, "label"),
                  Json.text(r, "component"),
                  Json.text(r.path("python_type"), "type")));
        }
      } else {
        for (int id : outputs) {
          JsonNode comp = components.get(id);
          if (isSkipped(comp)) continue;
          returns.add(
              new ReturnValue(
                  comp == null ? null : Json.text(comp.path("props"), "label"),
                  comp == null ? null : componentName(Json.text(comp, "type")),
                  null));
        }
      }
      JsonNode queueNode = dep.get("queue");
      Boolean queue = queueNode == null || queueNode.isNull() ? null : queueNode.asBoolean();
      boolean visible = !isPrivate && (name != null || infoEndpoint != null || info == null);
      boolean hidden =
          (dep.has("show_api") && !dep.path("show_api").asBoolean(true))
              || "undocumented".equals(Json.text(dep, "api_visibility"));
      boolean listed = visible && !hidden;
      specs.add(
          new EndpointSpec(
              apiName,
              fnIndex,
              new Endpoint(name, fnIndex, params, returns),
              slots,
              queue,
              visible,
              listed));
    }
    return new AppModel(app, protocol, prefix, enableQueue, version, specs, cancellers);
  }

  private static boolean isSkipped(JsonNode comp) {
    if (comp == null) return false;
    if (comp.path("skip_api").asBoolean(false)) return true;
    String type = Json.text(comp, "type");
    return "state".equalsIgnoreCase(type);
  }

  private static Parameter parameterFromInfo(JsonNode p, JsonNode comp, int index) {
    JsonNode props = comp == null ? null : comp.get("props");
    String name = Json.text(p, "parameter_name");
    if (name == null) name = "param_" + index;
    boolean hasDefault;
    Object def;
    if (p.has("parameter_has_default")) {
      hasDefault = p.path("parameter_has_default").asBoolean();
      def = hasDefault ? Json.plain(p.get("parameter_default")) : null;
    } else {
      hasDefault = props != null && props.has("value");
      def = hasDefault ? Json.plain(props.get("value")) : null;
    }
    JsonNode type = p.get("type");
    String typeName =
        type == null ? null : type.isTextual() ? type.textValue() : Json.text(type, "type");
    String component = Json.text(p, "component");
    if (component == null && comp != null) component = componentName(Json.text(comp, "type"));
    return new Parameter(
        name,
        Json.text(p, "label") != null ? Json.text(p, "label") : Json.text(props, "label"),
        typeName,
        Json.text(p.path("python_type"), "type"),
        component,
        hasDefault,
        def,
        Json.number(props, "minimum"),
        Json.number(props, "maximum"),
        Json.number(props, "step"),
        choices(props));
  }

  private static Parameter parameterFromConfig(JsonNode comp, int index) {
    JsonNode props = comp == null ? null : comp.get("props");
    String type = comp == null ? null : Json.text(comp, "type");
    boolean hasDefault = props != null && props.has("value");
    return new Parameter(
        "param_" + index,
        Json.text(props, "label"),
        jsonType(type),
        null,
        componentName(type),
        hasDefault,
        hasDefault ? Json.plain(props.get("value")) : null,
        Json.number(props, "minimum"),
        Json.number(props, "maximum"),
        Json.number(props, "step"),
        choices(props));
  }

  private static List<Object> choices(JsonNode props) {
    List<Object> out = new ArrayList<>();
    if (props == null) return out;
    for (JsonNode c : props.path("choices")) {
      // 4.x+ sends [display, value] pairs; 3.x plain values.
      out.add(c.isArray() && c.size() == 2 ? Json.plain(c.get(1)) : Json.plain(c));
    }
    return out;
  }

  private static String jsonType(String component) {
    if (component == null) return null;
    switch (component.toLowerCase(Locale.ROOT)) {
      case "textbox":
      case "dropdown":
      case "radio":
      case "markdown":
        return "string";
      case "slider":
      case "number":
        return "number";
      case "checkbox":
        return "boolean";
      default:
        return null;
    }
  }

  /** "textbox" as Gradio's class name "Textbox". */
  static String componentName(String type) {
    if (type == null || type.isEmpty()) return type;
    switch (type) {
      case "checkboxgroup":
        return "CheckboxGroup";
      case "highlightedtext":
        return "HighlightedText";
      case "colorpicker":
        return "ColorPicker";
      case "dataframe":
        return "Dataframe";
      case "uploadbutton":
        return "UploadButton";
      case "imageeditor":
        return "ImageEditor";
      default:
        return Character.toUpperCase(type.charAt(0)) + type.substring(1);
    }
  }

  static int[] parseVersion(String text) {
    int[] v = new int[3];
    String[] parts = text.split("[.\\-+]");
    for (int i = 0; i < 3 && i < parts.length; i++) {
      String digits = parts[i].replaceAll("\\D.*$", "");
      v[i] = digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }
    return v;
  }

  boolean atLeast(int major, int minor) {
    return version[0] > major || (version[0] == major && version[1] >= minor);
  }

  EndpointSpec byName(String name) {
    String wanted = name.startsWith("/") ? name.substring(1) : name;
    for (EndpointSpec s : specs) {
      if (s.apiName() != null && s.apiName().equals(wanted) && s.visible()) return s;
    }
    return null;
  }

  EndpointSpec byFnIndex(int fnIndex) {
    for (EndpointSpec s : specs) if (s.fnIndex() == fnIndex) return s;
    return null;
  }

  List<String> validNames() {
    List<String> out = new ArrayList<>();
    for (EndpointSpec s : specs) if (s.listed() && s.apiName() != null) out.add("/" + s.apiName());
    return out;
  }
}
