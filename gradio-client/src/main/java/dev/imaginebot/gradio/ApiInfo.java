package dev.imaginebot.gradio;

import java.util.List;
import java.util.Optional;

/**
 * An app's API: its named endpoints (and unnamed ones where the app has them). {@link #toString()}
 * reads like Gradio's {@code view_api()}.
 */
public record ApiInfo(List<Endpoint> endpoints) {
  public ApiInfo {
    endpoints = List.copyOf(endpoints);
  }

  /** The endpoint named {@code name} ({@code "/infer"} or {@code "infer"}). */
  public Optional<Endpoint> endpoint(String name) {
    String wanted = name.startsWith("/") ? name : "/" + name;
    return endpoints.stream().filter(e -> wanted.equals(e.name())).findFirst();
  }
}
