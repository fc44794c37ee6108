package dev.imaginebot.gradio;

import java.util.List;

/**
 * A callable endpoint.
 *
 * @param name {@code "/infer"} style name, or null for an unnamed endpoint
 * @param fnIndex the dependency index or id the queue needs
 * @param parameters the visible inputs, in order
 * @param returns the outputs, in order
 */
public record Endpoint(
    String name, int fnIndex, List<Parameter> parameters, List<ReturnValue> returns) {
  public Endpoint {
    parameters = List.copyOf(parameters);
    returns = List.copyOf(returns);
  }
}
