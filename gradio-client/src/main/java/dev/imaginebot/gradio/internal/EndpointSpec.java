package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.Endpoint;
import java.util.List;

/**
 * One dependency as the client needs it for a call.
 *
 * @param endpoint the public description (parameters in visible order)
 * @param slots for each dependency input, the index into {@code endpoint.parameters()}, or -1 for a
 *     {@code skip_api} component (State) that gets null
 * @param queue the dependency's {@code queue} flag, or null when the config leaves it out
 * @param visible whether it may be called (by name when it has one)
 * @param listed whether {@code api()} shows it ({@code show_api:false} and 6.x {@code
 *     "undocumented"} endpoints are callable but not listed)
 */
record EndpointSpec(
    String apiName,
    int fnIndex,
    Endpoint endpoint,
    int[] slots,
    Boolean queue,
    boolean visible,
    boolean listed) {

  List<String> parameterNames() {
    return endpoint.parameters().stream().map(p -> p.name()).toList();
  }
}
