package dev.imaginebot.gradio;

import java.util.List;
import java.util.Optional;

/**
 * An app's API: its named endpoints (and unnamed ones where the app has them, with a null name).
 * {@link #toString()} reads like Gradio's {@code view_api()}.
 *
 * @param endpoints the endpoints the app's API page lists
 * @param unlisted endpoints that can be called but that the API page leaves out ({@code
 *     show_api=False}, 6.x {@code api_visibility="undocumented"}); many Spaces wire their only
 *     generate button that way
 */
public record ApiInfo(List<Endpoint> endpoints, List<Endpoint> unlisted) {
  public ApiInfo {
    endpoints = List.copyOf(endpoints);
    unlisted = List.copyOf(unlisted);
  }

  /** An API whose endpoints are all listed. */
  public ApiInfo(List<Endpoint> endpoints) {
    this(endpoints, List.of());
  }

  /**
   * The endpoint named {@code name} ({@code "/infer"} or {@code "infer"}), listed or not (an
   * unlisted one can be called by name too).
   */
  public Optional<Endpoint> endpoint(String name) {
    String wanted = name.startsWith("/") ? name : "/" + name;
    Optional<Endpoint> listed = endpoints.stream().filter(e -> wanted.equals(e.name())).findFirst();
    if (listed.isPresent()) return listed;
    return unlisted.stream().filter(e -> wanted.equals(e.name())).findFirst();
  }

  /** The endpoint with dependency index {@code fnIndex}, listed or not. */
  public Optional<Endpoint> endpoint(int fnIndex) {
    Optional<Endpoint> listed = endpoints.stream().filter(e -> e.fnIndex() == fnIndex).findFirst();
    if (listed.isPresent()) return listed;
    return unlisted.stream().filter(e -> e.fnIndex() == fnIndex).findFirst();
  }

  /** A usage summary in the style of {@code gradio_client.Client.view_api()}. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("Client.predict() Usage Info\n---------------------------\n");
    long named = endpoints.stream().filter(e -> e.name() != null).count();
    sb.append("Named API endpoints: ").append(named).append("\n");
    for (Endpoint e : endpoints) if (e.name() != null) describe(sb, e);
    if (named < endpoints.size()) {
      sb.append("\nUnnamed API endpoints: ").append(endpoints.size() - named).append("\n");
      for (Endpoint e : endpoints) if (e.name() == null) describe(sb, e);
    }
    return sb.toString();
  }

  private static void describe(StringBuilder sb, Endpoint e) {
    sb.append("\n - predict(");
    for (Parameter p : e.parameters()) sb.append(p.name()).append(", ");
    if (e.name() != null) sb.append("api_name=\"").append(e.name()).append("\")");
    else sb.append("fn_index=").append(e.fnIndex()).append(")");
    sb.append(" -> ");
    if (e.returns().size() == 1) {
      sb.append(returnName(e.returns().get(0), 0));
    } else {
      sb.append("(");
      for (int i = 0; i < e.returns().size(); i++) {
        if (i > 0) sb.append(", ");
        sb.append(returnName(e.returns().get(i), i));
      }
      sb.append(")");
    }
    sb.append("\n    Parameters:\n");
    if (e.parameters().isEmpty()) sb.append("     - None\n");
    for (Parameter p : e.parameters()) {
      sb.append("     - [").append(p.component() == null ? "?" : p.component()).append("] ");
      sb.append(p.name()).append(": ").append(typeOf(p.pythonType(), p.type()));
      if (p.hasDefault())
        sb.append(" (not required, defaults to: ").append(p.defaultValue()).append(")");
      else sb.append(" (required)");
      if (p.label() != null) sb.append(" (label: ").append(p.label()).append(")");
      sb.append("\n");
    }
    sb.append("    Returns:\n");
    if (e.returns().isEmpty()) sb.append("     - None\n");
    for (int i = 0; i < e.returns().size(); i++) {
      ReturnValue r = e.returns().get(i);
      sb.append("     - [").append(r.component() == null ? "?" : r.component()).append("] ");
      sb.append(returnName(r, i)).append(": ").append(typeOf(r.pythonType(), null)).append("\n");
    }
  }

  private static String returnName(ReturnValue r, int index) {
    if (r.label() == null || r.label().isBlank()) return "value_" + index;
    return r.label().trim().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  private static String typeOf(String pythonType, String jsonType) {
    if (pythonType != null) return pythonType;
    return jsonType == null ? "Any" : jsonType;
  }
}
