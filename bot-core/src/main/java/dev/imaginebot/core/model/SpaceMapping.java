package dev.imaginebot.core.model;

import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.gradio.Parameter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a request becomes one Space endpoint's arguments: which endpoint, which of its parameters
 * takes which canonical value, and the Space's defaults for the rest. A value; {@link #describe()}
 * is for admins.
 *
 * @param endpoint the endpoint name ({@code /infer})
 * @param bindings one per endpoint parameter, in the endpoint's order
 * @param fixed values from the backend config, by the Space's parameter names; they win
 * @param imageOutputs how many outputs are images (Image) or galleries
 */
public record SpaceMapping(
    String endpoint, List<Binding> bindings, Map<String, Object> fixed, int imageOutputs) {
  public SpaceMapping {
    Objects.requireNonNull(endpoint, "endpoint == null");
    bindings = List.copyOf(bindings);
    fixed = Map.copyOf(fixed);
  }

  /**
   * One endpoint parameter.
   *
   * @param parameter the Space's parameter
   * @param canonical the canonical value it takes, or null when it keeps its default
   */
  public record Binding(Parameter parameter, Canonical canonical) {}

  /** The canonical values this Space takes. */
  public Set<Canonical> takes() {
    Set<Canonical> out = EnumSet.noneOf(Canonical.class);
    for (Binding b : bindings) {
      if (b.canonical() != null) out.add(b.canonical());
    }
    return out;
  }

  /** Whether the Space takes a seed. */
  public boolean takesSeed() {
    return takes().contains(Canonical.SEED);
  }

  /** The largest seed sent to any Space: a slider's number is a double (and a JavaScript one). */
  public static final long MAX_SEED = (1L << 53) - 1;

  /**
   * The largest seed the Space takes (its slider maximum, at most {@link #MAX_SEED}), or 2^31-1.
   */
  public long maxSeed() {
    for (Binding b : bindings) {
      if (b.canonical() == Canonical.SEED && b.parameter().maximum() != null) {
        double max = b.parameter().maximum();
        // A Space may claim any maximum (1e30, NaN): keep a range that a long and a double hold.
        if (!(max >= 0)) return 0;
        return max >= MAX_SEED ? MAX_SEED : (long) max;
      }
    }
    return Integer.MAX_VALUE;
  }

  /**
   * The positional arguments for {@code request}.
   *
   * @param seed the seed to send (the engine picks one when the user gave none), or null
   */
  public List<Object> arguments(GenerationRequest request, Long seed) {
    Integer[] size = size(request);
    List<Object> args = new ArrayList<>(bindings.size());
    for (Binding b : bindings) {
      Parameter p = b.parameter();
      Object value = p.defaultValue();
      if (fixed.containsKey(p.name())) {
        args.add(fixed.get(p.name()));
        continue;
      }
      if (b.canonical() != null) {
        Object mapped = value(b.canonical(), p, request, seed, size);
        if (mapped != null) value = mapped;
      }
      args.add(value);
    }
    return args;
  }

  private Object value(Canonical c, Parameter p, GenerationRequest r, Long seed, Integer[] size) {
    switch (c) {
      case PROMPT:
        return r.prompt();
      case NEGATIVE_PROMPT:
        return r.negativePrompt();
      case USE_NEGATIVE_PROMPT:
        return r.negativePrompt() != null ? Boolean.TRUE : null;
      case SEED:
        return seed == null ? null : numeric(p, clamp(p, seed.doubleValue(), false));
      case RANDOMIZE_SEED:
        return seed == null ? null : Boolean.FALSE;
      case WIDTH:
        return size[0] == null ? null : numeric(p, clamp(p, size[0], true));
      case HEIGHT:
        return size[1] == null ? null : numeric(p, clamp(p, size[1], true));
      case STEPS:
        return r.steps() == null ? null : numeric(p, clamp(p, r.steps(), true));
      case GUIDANCE:
        return r.guidance() == null ? null : numeric(p, clamp(p, r.guidance(), true));
      case ASPECT:
        return aspectValue(p, r);
      default:
        return null;
    }
  }

  private Integer[] size(GenerationRequest r) {
    if (r.width() != null && r.height() != null) return new Integer[] {r.width(), r.height()};
    if (r.aspect() == null) return new Integer[] {null, null};
    Parameter w = param(Canonical.WIDTH);
    Parameter h = param(Canonical.HEIGHT);
    if (w == null || h == null) return new Integer[] {null, null};
    double dw = number(w.defaultValue(), 1024);
    double dh = number(h.defaultValue(), 1024);
    double pixels = dw * dh;
    double ratio = ratio(r.aspect());
    double width = Math.sqrt(pixels * ratio);
    double height = Math.sqrt(pixels / ratio);
    return new Integer[] {(int) clamp(w, width, true), (int) clamp(h, height, true)};
  }

  private Object aspectValue(Parameter p, GenerationRequest r) {
    String wanted = r.aspect();
    if (wanted == null && r.width() != null && r.height() != null) {
      wanted = r.width() + ":" + r.height();
    }
    if (wanted == null) return null;
    if (p.choices().isEmpty()) return r.aspect();
    double target = ratio(wanted);
    Object best = null;
    double bestDiff = Double.MAX_VALUE;
    for (Object choice : p.choices()) {
      Double ratio = choiceRatio(choice);
      if (ratio == null) continue;
      double diff = Math.abs(Math.log(ratio / target));
      if (diff < bestDiff) {
        bestDiff = diff;
        best = choice;
      }
    }
    return best;
  }

  /**
   * The ratio a dropdown choice names: {@code "16:9"}, {@code "1024x576"}, {@code "16:9
   * (1344x768)"}.
   */
  static Double choiceRatio(Object choice) {
    // Gradio dropdown choices may be [label, value] pairs.
    Object c = choice instanceof List<?> pair && !pair.isEmpty() ? pair.get(0) : choice;
    if (c == null) return null;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*[:x×*/]\\s*(\\d+(?:\\.\\d+)?)")
            .matcher(c.toString().toLowerCase(Locale.ROOT));
    if (!m.find()) return null;
    double a = Double.parseDouble(m.group(1));
    double b = Double.parseDouble(m.group(2));
    return a > 0 && b > 0 ? a / b : null;
  }

  private static double ratio(String aspect) {
    Double r = choiceRatio(aspect);
    return r == null ? 1.0 : r;
  }

  private Parameter param(Canonical c) {
    for (Binding b : bindings) {
      if (b.canonical() == c) return b.parameter();
    }
    return null;
  }

  /** Clamps to the slider range and (optionally) rounds to its step. */
  static double clamp(Parameter p, double value, boolean roundToStep) {
    double v = value;
    if (roundToStep && p.step() != null && p.step() > 0) {
      double base = p.minimum() == null ? 0 : p.minimum();
      v = base + Math.round((v - base) / p.step()) * p.step();
    }
    if (p.minimum() != null && v < p.minimum()) v = p.minimum();
    if (p.maximum() != null && v > p.maximum()) v = p.maximum();
    return v;
  }

  private static Object numeric(Parameter p, double v) {
    boolean integral =
        "integer".equals(p.type())
            || "int".equals(p.pythonType())
            || (p.step() != null && p.step() == Math.rint(p.step()) && v == Math.rint(v));
    if (integral) return (long) Math.rint(v);
    return v;
  }

  private static double number(Object value, double fallback) {
    return value instanceof Number n ? n.doubleValue() : fallback;
  }

  private static String fmt(Double d) {
    if (d == null) return "";
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** A human-readable description for admins, one parameter per line. */
  public String describe() {
    StringBuilder out = new StringBuilder("endpoint ").append(endpoint);
    for (Binding b : bindings) {
      Parameter p = b.parameter();
      out.append("\n  ").append(p.name());
      if (p.label() != null && !p.label().equals(p.name()))
        out.append(" (\"").append(p.label()).append("\")");
      if (fixed.containsKey(p.name())) {
        out.append(" = ").append(fixed.get(p.name())).append(" (fixed)");
      } else if (b.canonical() != null) {
        out.append(" <- ").append(b.canonical().key());
        if (b.canonical() == Canonical.RANDOMIZE_SEED) out.append(" (false when a seed is sent)");
        if (b.canonical() == Canonical.USE_NEGATIVE_PROMPT)
          out.append(" (true when --no is given)");
      } else {
        out.append(" = default ").append(p.defaultValue());
      }
      if (p.minimum() != null || p.maximum() != null) {
        out.append(" [").append(fmt(p.minimum())).append("..").append(fmt(p.maximum()));
        if (p.step() != null) out.append(" step ").append(fmt(p.step()));
        out.append(']');
      }
      if (!p.choices().isEmpty()) out.append(" choices ").append(p.choices());
    }
    EnumSet<Canonical> missing = EnumSet.allOf(Canonical.class);
    missing.removeAll(takes());
    missing.remove(Canonical.USE_NEGATIVE_PROMPT);
    if (!missing.isEmpty()) {
      out.append("\n  not taken: ");
      out.append(String.join(", ", missing.stream().map(Canonical::key).toList()));
    }
    out.append("\n  images from ").append(imageOutputs).append(" output(s)");
    return out.toString();
  }
}
