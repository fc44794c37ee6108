package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.Arguments;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Maps positional and named arguments onto an endpoint's {@code data} slots, client-side. */
final class ArgumentMapper {
  private static final Object UNSET = new Object();

  private ArgumentMapper() {}

  /** The mapped payload and the argument names that were dropped (lenient mode). */
  record Mapped(List<Object> data, List<String> dropped) {}

  static Mapped map(EndpointSpec spec, Arguments args, boolean strict) {
    List<Parameter> params = spec.endpoint().parameters();
    Object[] values = new Object[params.size()];
    java.util.Arrays.fill(values, UNSET);
    List<String> dropped = new ArrayList<>();

    List<Object> positional = args.positional();
    for (int i = 0; i < positional.size(); i++) {
      if (i < params.size()) {
        values[i] = positional.get(i);
      } else if (strict) {
        throw Failures.exception(
            FailureCode.INPUT_REJECTED,
            "Too many positional arguments: "
                + endpointLabel(spec)
                + " takes "
                + params.size()
                + ", got "
                + positional.size()
                + ".");
      } else {
        dropped.add("#" + i);
      }
    }

    for (Map.Entry<String, Object> e : args.named().entrySet()) {
      int index = indexOf(params, e.getKey());
      if (index < 0) {
        if (strict) {
          throw Failures.exception(
              FailureCode.INPUT_REJECTED,
              "Parameter `"
                  + e.getKey()
                  + "` is not a valid keyword argument of "
                  + endpointLabel(spec)
                  + ". Valid names are: "
                  + (params.isEmpty() ? "(none)" : String.join(", ", spec.parameterNames()))
                  + ".");
        }
        dropped.add(e.getKey());
        continue;
      }
      values[index] = e.getValue();
    }

    for (int i = 0; i < values.length; i++) {
      if (values[i] != UNSET) continue;
      Parameter p = params.get(i);
      if (!p.hasDefault()) {
        throw Failures.exception(
            FailureCode.INPUT_REJECTED, "No value provided for required argument: " + p.name());
      }
      values[i] = p.defaultValue();
    }

    int[] slots = spec.slots();
    List<Object> data = new ArrayList<>(slots.length);
    for (int slot : slots) data.add(slot < 0 ? null : values[slot]);
    return new Mapped(data, List.copyOf(dropped));
  }

  private static int indexOf(List<Parameter> params, String key) {
    for (int i = 0; i < params.size(); i++) if (params.get(i).name().equals(key)) return i;
    // Apps older than 4.23 have no parameter names; accept the label as the name.
    String normalized = normalize(key);
    for (int i = 0; i < params.size(); i++) {
      String label = params.get(i).label();
      if (label != null && normalize(label).equals(normalized)) return i;
    }
    return -1;
  }

  private static String normalize(String s) {
    return s.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  private static String endpointLabel(EndpointSpec spec) {
    return spec.apiName() == null ? "fn_index " + spec.fnIndex() : "/" + spec.apiName();
  }
}
