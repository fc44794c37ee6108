package dev.imaginebot.core.model;

import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.gradio.Parameter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a request becomes one Space endpoint's arguments: which endpoint, which of its parameters
 * takes which canonical value, and the Space's defaults for the rest. A value; {@link #describe()}
 * is for admins.
 *
 * <p>Sizes: an aspect ratio becomes the width and height, on both sliders' grids and within their
 * limits, whose ratio is closest to the one asked for (ratios within 1% of it count as equal), then
 * whose pixel count is closest to the Space's default size (or, with no default, the largest
 * allowed). Numbers asked for are clamped into the slider's range and rounded to its step; a
 * parameter offered as choices gets the choice whose number ({@code "8-step"}) or size ({@code
 * "1360 × 768 (Landscape, 16:9)"}, {@code "16:9"}) is nearest. A Space default outside its own
 * range is sent clamped into it.
 *
 * @param endpoint the endpoint name ({@code /infer}), or {@code fn_index=<i>} for an endpoint that
 *     has no name (see {@link #fnIndex(String)})
 * @param bindings one per endpoint parameter, in the endpoint's order
 * @param fixed values from the backend config, by the Space's parameter names; they win
 * @param imageOutputs how many outputs are images (Image) or galleries
 */
public record SpaceMapping(
    String endpoint, List<Binding> bindings, Map<String, Object> fixed, int imageOutputs) {
  private static final String FN_INDEX = "fn_index=";

  /** JSON numbers are doubles on the way; larger seeds would not arrive as sent. */
  private static final long LARGEST_SEED = (1L << 53) - 1;

  private static final Pattern PAIR =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*[:x×*/]\\s*(\\d+(?:\\.\\d+)?)");
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

  /** Ratios this close (relative) to the one asked for count as equal when choosing a size. */
  private static final double RATIO_TOLERANCE = 0.01;

  public SpaceMapping {
    Objects.requireNonNull(endpoint, "endpoint == null");
    bindings = List.copyOf(bindings);
    fixed = Map.copyOf(fixed);
  }

  /** The {@link #endpoint()} text for an endpoint that only has a dependency index. */
  public static String unnamed(int fnIndex) {
    return FN_INDEX + fnIndex;
  }

  /**
   * The dependency index in an {@link #unnamed(int)} endpoint text ({@code fn_index=3}, also with a
   * leading slash as config endpoints get one), or empty for a name.
   */
  public static OptionalInt fnIndex(String endpoint) {
    if (endpoint == null) return OptionalInt.empty();
    String text = endpoint.startsWith("/") ? endpoint.substring(1) : endpoint;
    if (!text.startsWith(FN_INDEX)) return OptionalInt.empty();
    try {
      return OptionalInt.of(Integer.parseInt(text.substring(FN_INDEX.length())));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** Why a parameter was taken for a canonical value, as {@code inspect} shows it. */
  public enum Evidence {
    /** The backend config renames it. */
    RENAME("config rename"),
    /** Its name is the canonical one or a synonym ({@code num_inference_steps}). */
    NAME("name"),
    /**
     * Its label says so ({@code "Seed (use -1 for random)"}); names such as param_0 say nothing.
     */
    LABEL("label"),
    /** Nothing else took the prompt: the first free text box. */
    FIRST_TEXT_BOX("first text box");

    private final String text;

    Evidence(String text) {
      this.text = text;
    }

    /** The words {@code inspect} uses. */
    public String text() {
      return text;
    }
  }

  /**
   * One endpoint parameter.
   *
   * @param parameter the Space's parameter
   * @param canonical the canonical value it takes, or null when it keeps its default
   * @param evidence why it takes {@code canonical}, or null when it takes none
   */
  public record Binding(Parameter parameter, Canonical canonical, Evidence evidence) {
    /** A binding found by name (or none, when {@code canonical} is null). */
    public Binding(Parameter parameter, Canonical canonical) {
      this(parameter, canonical, canonical == null ? null : Evidence.NAME);
    }
  }

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

  /**
   * The largest seed the Space takes (its slider maximum; 2^31-1 when it has none), at most 2^53-1,
   * so that {@code maxSeed() + 1} never overflows.
   */
  public long maxSeed() {
    Parameter p = param(Canonical.SEED);
    if (p == null || p.maximum() == null) return Integer.MAX_VALUE;
    double max = Math.floor(p.maximum());
    return (long) Math.max(minSeed(), Math.min(LARGEST_SEED, max));
  }

  /**
   * The smallest seed that means a seed: the slider minimum, or 0 when it is lower (a minimum of -1
   * is the "random" sentinel).
   */
  public long minSeed() {
    Parameter p = param(Canonical.SEED);
    if (p == null || p.minimum() == null || p.minimum() <= 0) return 0;
    return (long) Math.min(LARGEST_SEED, Math.ceil(p.minimum()));
  }

  /**
   * The seed for the {@code call}-th call (0 first) of a request that asked for {@code wanted}:
   * {@code wanted} clamped into the Space's seed range, then counted on by one per call and wrapped
   * past the maximum, so that variations stay distinct and nothing overflows.
   */
  public long seed(long wanted, int call) {
    long lo = minSeed();
    long hi = maxSeed();
    long base = Math.max(lo, Math.min(hi, wanted));
    long span = hi - lo + 1;
    return lo + Math.floorMod((base - lo) + Math.floorMod((long) call, span), span);
  }

  /**
   * The positional arguments for {@code request}.
   *
   * @param seed the seed to send (the engine picks one when the user gave none), or null
   */
  public List<Object> arguments(GenerationRequest request, Long seed) {
    long[] size = size(request);
    List<Object> args = new ArrayList<>(bindings.size());
    for (Binding b : bindings) {
      Parameter p = b.parameter();
      if (fixed.containsKey(p.name())) {
        args.add(fixed.get(p.name()));
        continue;
      }
      Object value = defaultValue(p);
      if (b.canonical() != null) {
        Object mapped = value(b.canonical(), p, request, seed, size);
        if (mapped != null) value = mapped;
      }
      args.add(value);
    }
    return args;
  }

  /** The Space's default, clamped into its own range when it lies outside. */
  static Object defaultValue(Parameter p) {
    Object def = p.defaultValue();
    if (def instanceof Number n && isOutside(p, n.doubleValue())) {
      return numeric(p, clamp(p, n.doubleValue(), true));
    }
    return def;
  }

  private static boolean isOutside(Parameter p, double v) {
    return (p.minimum() != null && v < p.minimum()) || (p.maximum() != null && v > p.maximum());
  }

  private Object value(Canonical c, Parameter p, GenerationRequest r, Long seed, long[] size) {
    switch (c) {
      case PROMPT:
        return r.prompt();
      case NEGATIVE_PROMPT:
        return r.negativePrompt();
      case USE_NEGATIVE_PROMPT:
        return r.negativePrompt() != null ? Boolean.TRUE : null;
      case SEED:
        if (seed == null) return null;
        if (Onboarding.isText(p)) return Long.toString(seed);
        return numeric(p, clamp(p, seed.doubleValue(), false));
      case RANDOMIZE_SEED:
        return seed == null ? null : Boolean.FALSE;
      case WIDTH:
        return size[0] < 0 ? null : number(p, size[0]);
      case HEIGHT:
        return size[1] < 0 ? null : number(p, size[1]);
      case STEPS:
        return r.steps() == null ? null : number(p, r.steps());
      case GUIDANCE:
        return r.guidance() == null ? null : number(p, r.guidance());
      case ASPECT:
        return aspectValue(p, r);
      default:
        return null;
    }
  }

  /** A number for {@code p}: its nearest choice when it offers choices, else clamped. */
  private static Object number(Parameter p, double wanted) {
    if (p.choices().isEmpty()) return numeric(p, clamp(p, wanted, true));
    Object best = null;
    double bestDiff = Double.MAX_VALUE;
    for (Object choice : p.choices()) {
      Double n = choiceNumber(choice);
      if (n == null) continue;
      double diff = Math.abs(n - wanted);
      if (diff < bestDiff) {
        bestDiff = diff;
        best = choice;
      }
    }
    return best;
  }

  /** The first number a choice names ({@code "8-step"} is 8), or null. */
  static Double choiceNumber(Object choice) {
    if (choice instanceof Number n) return n.doubleValue();
    if (choice == null) return null;
    Matcher m = NUMBER.matcher(choice.toString());
    return m.find() ? Double.parseDouble(m.group()) : null;
  }

  /** Width and height to send, or -1 each when the request sets no size. */
  private long[] size(GenerationRequest r) {
    Parameter w = param(Canonical.WIDTH);
    Parameter h = param(Canonical.HEIGHT);
    if (r.width() != null && r.height() != null) return new long[] {r.width(), r.height()};
    if (r.aspect() == null || w == null || h == null) return new long[] {-1, -1};
    return fit(w, h, ratio(r.aspect()));
  }

  /**
   * The width and height on both parameters' grids whose ratio is closest to {@code ratio}, then
   * whose pixel count is closest to the default size's (the largest allowed when there is none).
   */
  static long[] fit(Parameter w, Parameter h, double ratio) {
    List<Double> widths = grid(w);
    List<Double> heights = grid(h);
    double target = targetPixels(w, h);
    double bestRatio = Double.MAX_VALUE;
    double bestPixels = Double.MAX_VALUE;
    long[] best = null;
    for (double width : widths) {
      double ideal = width / ratio;
      for (double height : nearest(heights, ideal)) {
        double ratioErr = Math.abs(Math.log(width / height / ratio));
        double ratioScore = ratioErr <= RATIO_TOLERANCE ? 0 : ratioErr;
        double pixelErr = Math.abs(Math.log(width * height / target));
        if (ratioScore < bestRatio - 1e-12
            || (Math.abs(ratioScore - bestRatio) <= 1e-12 && pixelErr < bestPixels - 1e-12)) {
          bestRatio = ratioScore;
          bestPixels = pixelErr;
          best = new long[] {Math.round(width), Math.round(height)};
        }
      }
    }
    return best;
  }

  private static double targetPixels(Parameter w, Parameter h) {
    if (w.defaultValue() instanceof Number dw && h.defaultValue() instanceof Number dh) {
      double pixels = clamp(w, dw.doubleValue(), true) * clamp(h, dh.doubleValue(), true);
      if (pixels > 0) return pixels;
    }
    if (w.maximum() != null && h.maximum() != null) return w.maximum() * h.maximum();
    return 1024.0 * 1024.0;
  }

  /** The values a size parameter allows: its choices' numbers, or its slider grid. */
  private static List<Double> grid(Parameter p) {
    List<Double> out = new ArrayList<>();
    if (!p.choices().isEmpty()) {
      for (Object c : p.choices()) {
        Double n = choiceNumber(c);
        if (n != null && n > 0) out.add(n);
      }
      if (!out.isEmpty()) return out;
    }
    double step = p.step() != null && p.step() > 0 ? p.step() : 1;
    double lo = p.minimum() != null ? Math.max(1, p.minimum()) : 64;
    double hi = p.maximum() != null ? p.maximum() : 4096;
    // A step that is not a whole number of pixels, or a huge range: pixels in steps of 8.
    if (step < 1 || (hi - lo) / step > 8192) step = Math.max(8, step);
    for (double v = lo; v <= hi + 1e-9; v += step) out.add(v);
    if (out.isEmpty()) out.add(lo);
    return out;
  }

  private static List<Double> nearest(List<Double> values, double ideal) {
    Double below = null;
    Double above = null;
    for (double v : values) {
      if (v <= ideal && (below == null || v > below)) below = v;
      if (v >= ideal && (above == null || v < above)) above = v;
    }
    List<Double> out = new ArrayList<>(2);
    if (below != null) out.add(below);
    if (above != null && !above.equals(below)) out.add(above);
    return out;
  }

  private Object aspectValue(Parameter p, GenerationRequest r) {
    String wanted = r.aspect();
    if (wanted == null && r.width() != null && r.height() != null) {
      wanted = r.width() + ":" + r.height();
    }
    if (wanted == null) return null;
    if (p.choices().isEmpty()) return wanted;
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
   * The ratio a choice names: {@code "16:9"}, {@code "1024x576"}, {@code "16:9 (1344x768)"}, {@code
   * "1360 × 768 (Landscape, 16:9)"}; the first pair wins.
   */
  static Double choiceRatio(Object choice) {
    // Gradio dropdown choices may be [label, value] pairs.
    Object c = choice instanceof List<?> pair && !pair.isEmpty() ? pair.get(0) : choice;
    if (c == null) return null;
    Matcher m = PAIR.matcher(c.toString().toLowerCase(Locale.ROOT));
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
      // 0.1 steps: keep 7.5, not 7.500000000000001.
      v = BigDecimal.valueOf(v).setScale(10, java.math.RoundingMode.HALF_UP).doubleValue();
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

  private static String fmt(Double d) {
    if (d == null) return "";
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** The request {@link #describe()} shows a sample of. */
  public static final GenerationRequest SAMPLE =
      new GenerationRequest(
          "a red fox in the snow", null, "blurry", 42L, "16:9", null, null, 8, null, 1);

  /** The text of {@link #SAMPLE} as a user would type it. */
  public static final String SAMPLE_TEXT =
      "a red fox in the snow --ar 16:9 --seed 42 --no blurry --steps 8";

  /**
   * A human-readable description for admins: one parameter per line, with what it takes and why,
   * then what {@link #SAMPLE} would send.
   */
  public String describe() {
    StringBuilder out = new StringBuilder("endpoint ").append(endpoint);
    if (fnIndex(endpoint).isPresent()) out.append(" (the Space gives it no name)");
    for (Binding b : bindings) {
      Parameter p = b.parameter();
      out.append("\n  ").append(p.name());
      if (p.label() != null && !p.label().equals(p.name()))
        out.append(" (\"").append(p.label()).append("\")");
      if (fixed.containsKey(p.name())) {
        out.append(" = ").append(fixed.get(p.name())).append(" (fixed)");
      } else if (b.canonical() != null) {
        out.append(" <- ").append(b.canonical().key());
        if (b.evidence() != null) out.append(" (by ").append(b.evidence().text()).append(')');
        if (b.canonical() == Canonical.RANDOMIZE_SEED) out.append(" (false when a seed is sent)");
        if (b.canonical() == Canonical.USE_NEGATIVE_PROMPT)
          out.append(" (true when --no is given)");
        if (!p.choices().isEmpty()
            && b.canonical() != Canonical.ASPECT
            && Onboarding.numericChoices(p)) out.append(" (numbers parsed from the choices)");
        if (b.canonical() == Canonical.ASPECT && !p.choices().isEmpty())
          out.append(" (ratios parsed from the choices)");
        Object sent = defaultValue(p);
        if (!Objects.equals(sent, p.defaultValue()))
          out.append(" (default ")
              .append(p.defaultValue())
              .append(" clamped into its range: ")
              .append(sent)
              .append(')');
      } else {
        out.append(" = default ").append(p.defaultValue());
        Object sent = defaultValue(p);
        if (!Objects.equals(sent, p.defaultValue()))
          out.append(", sent as ").append(sent).append(" (default clamped into its range)");
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
    out.append("\n  \"").append(SAMPLE_TEXT).append("\" sends:");
    List<Object> sample = arguments(SAMPLE, takesSeed() ? seed(42, 0) : null);
    for (int i = 0; i < bindings.size(); i++) {
      out.append(i == 0 ? " " : ", ").append(bindings.get(i).parameter().name()).append('=');
      Object v = sample.get(i);
      out.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
    }
    return out.toString();
  }
}
