package dev.imaginebot.core.model;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.ReturnValue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Space's API into a {@link SpaceMapping} with no per-Space code: picks the endpoint that
 * takes a text prompt and returns images, and maps canonical parameters to the Space's names by
 * name, synonym and label. Stateless.
 */
public final class Onboarding {
  private static final List<String> PREFERRED =
      List.of(
          "/infer",
          "/run",
          "/generate",
          "/predict",
          "/generate_image",
          "/text_to_image",
          "/txt2img");
  private static final Set<String> IMAGE_COMPONENTS =
      Set.of("image", "gallery", "imageeditor", "annotatedimage", "imageslider");

  private static final Map<Canonical, Set<String>> NAMES = new EnumMap<>(Canonical.class);

  /** Names that say little ({@code text}, {@code size}): a label naming something else wins. */
  private static final Map<Canonical, Set<String>> WEAK_NAMES = new EnumMap<>(Canonical.class);

  static {
    NAMES.put(
        Canonical.PROMPT,
        Set.of("prompt", "positive_prompt", "prompt_text", "text_prompt", "user_prompt"));
    WEAK_NAMES.put(
        Canonical.PROMPT,
        Set.of(
            "text",
            "input",
            "caption",
            "input_text",
            "description",
            "query",
            "message",
            "positive",
            "inputs",
            "txt"));
    NAMES.put(
        Canonical.NEGATIVE_PROMPT,
        Set.of(
            "negative_prompt", "negative", "neg_prompt", "negative_text", "negativeprompt", "neg"));
    NAMES.put(
        Canonical.USE_NEGATIVE_PROMPT,
        Set.of("use_negative_prompt", "use_negative", "enable_negative_prompt", "use_neg_prompt"));
    NAMES.put(Canonical.SEED, Set.of("seed", "seed_value", "manual_seed", "input_seed"));
    NAMES.put(
        Canonical.RANDOMIZE_SEED,
        Set.of("randomize_seed", "random_seed", "randomize", "randomise_seed", "rand_seed"));
    WEAK_NAMES.put(Canonical.RANDOMIZE_SEED, Set.of("random"));
    NAMES.put(Canonical.WIDTH, Set.of("width", "image_width", "img_width"));
    NAMES.put(Canonical.HEIGHT, Set.of("height", "image_height", "img_height"));
    WEAK_NAMES.put(Canonical.WIDTH, Set.of("w"));
    WEAK_NAMES.put(Canonical.HEIGHT, Set.of("h"));
    NAMES.put(
        Canonical.STEPS,
        Set.of(
            "num_inference_steps",
            "steps",
            "inference_steps",
            "num_steps",
            "sampling_steps",
            "step_count",
            "ddim_steps",
            "n_steps"));
    NAMES.put(
        Canonical.GUIDANCE,
        Set.of("guidance_scale", "guidance", "cfg", "cfg_scale", "guidance_strength"));
    WEAK_NAMES.put(Canonical.GUIDANCE, Set.of("scale"));
    NAMES.put(
        Canonical.ASPECT, Set.of("aspect_ratio", "ratio", "resolution", "aspect", "style_ratio"));
    WEAK_NAMES.put(Canonical.ASPECT, Set.of("size", "image_size", "dimensions", "dimension"));
  }

  private Onboarding() {}

  /**
   * A mapping, or why none could be made.
   *
   * @param mapping the mapping, or null when there is none
   * @param problem why there is none, or null when there is one
   */
  public record Result(SpaceMapping mapping, Problem problem) {
    public boolean ok() {
      return mapping != null;
    }
  }

  /**
   * Why a Space's API can't be mapped, as a message key with its arguments, so that each user reads
   * it in their language; {@link #text()} is the English for the log.
   *
   * @param kind what is wrong
   * @param args the message's arguments (an endpoint's name, the Space's endpoints), in order
   */
  public record Problem(Kind kind, List<String> args) {
    /** The kinds of problem, each with a message {@code onboarding.<KIND>} in every bundle. */
    public enum Kind {
      /** The configured endpoint is not there any more; args: that endpoint, the Space's. */
      ENDPOINT_GONE,
      /** No endpoint takes a text prompt and returns images; args: the Space's endpoints. */
      NO_IMAGE_ENDPOINT
    }

    public Problem {
      java.util.Objects.requireNonNull(kind, "kind == null");
      args = List.copyOf(args);
    }

    /** The bundle key that words it, with {@link #args()}. */
    public String messageKey() {
      return "onboarding." + kind.name();
    }

    /** English, for logs and the backend's status. */
    public String text() {
      switch (kind) {
        case ENDPOINT_GONE:
          return "endpoint " + args.get(0) + " is gone; the Space has " + args.get(1);
        case NO_IMAGE_ENDPOINT:
        default:
          return "no endpoint takes a text prompt and returns images (endpoints: "
              + args.get(0)
              + ")";
      }
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /** Maps {@code api} for {@code backend} (its endpoint, renames and fixed values win). */
  public static Result map(ApiInfo api, BackendConfig backend) {
    List<Endpoint> candidates = new ArrayList<>();
    Set<Endpoint> unlisted = new HashSet<>(api.unlisted());
    if (backend.endpoint() != null) {
      var fnIndex = SpaceMapping.fnIndex(backend.endpoint());
      var named =
          fnIndex.isPresent() ? api.endpoint(fnIndex.getAsInt()) : api.endpoint(backend.endpoint());
      if (named.isEmpty()) {
        return new Result(
            null, new Problem(Problem.Kind.ENDPOINT_GONE, List.of(backend.endpoint(), names(api))));
      }
      candidates.add(named.get());
    } else {
      candidates.addAll(api.endpoints());
      candidates.addAll(api.unlisted());
    }
    Endpoint best = null;
    Map<Parameter, SpaceMapping.Binding> bestBinding = null;
    int bestScore = Integer.MIN_VALUE;
    for (Endpoint e : candidates) {
      Map<Parameter, SpaceMapping.Binding> binding = bind(e, backend.renames());
      if (binding.values().stream().noneMatch(b -> b.canonical() == Canonical.PROMPT)) continue;
      int images = imageOutputs(e);
      boolean hasReturnInfo = !e.returns().isEmpty();
      if (backend.endpoint() == null && hasReturnInfo && images == 0) continue;
      int score = binding.size() * 2 + (images > 0 ? 20 : 0);
      int preferred = e.name() == null ? -1 : PREFERRED.indexOf(e.name());
      if (preferred >= 0) score += 30 - preferred;
      String lower = e.name() == null ? "" : e.name().toLowerCase(Locale.ROOT);
      if (lower.contains("generate") || lower.contains("infer") || lower.contains("image"))
        score += 5;
      // A listed, named endpoint is what the Space means to be called; the others are fallbacks.
      if (e.name() == null) score -= 15;
      if (unlisted.contains(e)) score -= 10;
      if (score > bestScore) {
        bestScore = score;
        best = e;
        bestBinding = binding;
      }
    }
    if (best == null) {
      return new Result(null, new Problem(Problem.Kind.NO_IMAGE_ENDPOINT, List.of(names(api))));
    }
    List<SpaceMapping.Binding> bindings = new ArrayList<>();
    for (Parameter p : best.parameters()) {
      SpaceMapping.Binding b = bestBinding.get(p);
      bindings.add(b == null ? new SpaceMapping.Binding(p, null, null) : b);
    }
    String endpoint = best.name() != null ? best.name() : SpaceMapping.unnamed(best.fnIndex());
    return new Result(
        new SpaceMapping(endpoint, bindings, backend.fixed(), imageOutputs(best)), null);
  }

  private static String names(ApiInfo api) {
    List<String> names = new ArrayList<>();
    for (Endpoint e : api.endpoints()) {
      names.add(e.name() != null ? e.name() : SpaceMapping.unnamed(e.fnIndex()));
    }
    // "-" rather than a word: the list is shown inside a sentence in any language.
    return names.isEmpty() ? "-" : String.join(", ", names);
  }

  static int imageOutputs(Endpoint e) {
    int n = 0;
    for (ReturnValue r : e.returns()) {
      if (r.component() != null
          && IMAGE_COMPONENTS.contains(r.component().toLowerCase(Locale.ROOT))) n++;
    }
    return n;
  }

  /**
   * Binds each parameter to at most one canonical value and each canonical value at most once:
   * config renames, then meaningful names, then labels, then weak names ({@code text}, {@code
   * size}), then the first free text box for the prompt. A generic name ({@code param_0}) is no
   * evidence.
   */
  static Map<Parameter, SpaceMapping.Binding> bind(Endpoint e, Map<String, String> renames) {
    Map<Parameter, SpaceMapping.Binding> out = new HashMap<>();
    Map<Canonical, Parameter> taken = new EnumMap<>(Canonical.class);
    for (Map.Entry<String, String> r : renames.entrySet()) {
      Canonical c = Canonical.fromKey(r.getKey());
      if (c == null) continue;
      for (Parameter p : e.parameters()) {
        if (p.name().equals(r.getValue()) && !out.containsKey(p)) {
          out.put(p, new SpaceMapping.Binding(p, c, SpaceMapping.Evidence.RENAME));
          taken.put(c, p);
        }
      }
    }
    for (int pass = 0; pass < 3; pass++) {
      for (Parameter p : e.parameters()) {
        if (out.containsKey(p)) continue;
        List<Canonical> wanted;
        SpaceMapping.Evidence evidence;
        if (pass == 1) {
          wanted = byLabel(p);
          evidence = SpaceMapping.Evidence.LABEL;
        } else {
          Canonical c = byName(normalize(p.name()), pass == 2);
          wanted = c == null ? List.of() : List.of(c);
          evidence = SpaceMapping.Evidence.NAME;
        }
        for (Canonical c : wanted) {
          if (!taken.containsKey(c) && fits(c, p)) {
            out.put(p, new SpaceMapping.Binding(p, c, evidence));
            taken.put(c, p);
            break;
          }
        }
      }
    }
    if (!taken.containsKey(Canonical.PROMPT)) {
      for (Parameter p : e.parameters()) {
        if (!out.containsKey(p) && isText(p)) {
          out.put(
              p,
              new SpaceMapping.Binding(p, Canonical.PROMPT, SpaceMapping.Evidence.FIRST_TEXT_BOX));
          break;
        }
      }
    }
    return out;
  }

  private static Canonical byName(String name, boolean weak) {
    Map<Canonical, Set<String>> names = weak ? WEAK_NAMES : NAMES;
    for (Map.Entry<Canonical, Set<String>> entry : names.entrySet()) {
      if (entry.getValue().contains(name)) return entry.getKey();
    }
    return null;
  }

  /** What a label names, most specific first; the caller takes the first that fits. */
  private static List<Canonical> byLabel(Parameter p) {
    if (p.label() == null) return List.of();
    String l = normalize(p.label());
    List<Canonical> out = new ArrayList<>();
    Canonical exact = byName(l, false);
    if (exact == null) exact = byName(l, true);
    if (exact != null) out.add(exact);
    if (l.contains("negative")) {
      out.add(Canonical.USE_NEGATIVE_PROMPT);
      out.add(Canonical.NEGATIVE_PROMPT);
      return out;
    }
    // "Seed (use -1 for random)" is a seed; "Randomize seed" a checkbox: fits() decides.
    if (l.contains("random")) out.add(Canonical.RANDOMIZE_SEED);
    if (l.contains("seed")) out.add(Canonical.SEED);
    if (l.contains("width")) out.add(Canonical.WIDTH);
    if (l.contains("height")) out.add(Canonical.HEIGHT);
    if (l.contains("step")) out.add(Canonical.STEPS);
    if (l.contains("guidance") || l.contains("cfg")) out.add(Canonical.GUIDANCE);
    if (l.contains("aspect")
        || l.contains("ratio")
        || l.contains("resolution")
        || l.contains("size")
        || l.contains("dimension")) out.add(Canonical.ASPECT);
    if (l.contains("prompt")) out.add(Canonical.PROMPT);
    return out;
  }

  /** Rejects bindings whose component cannot hold the value (a checkbox named {@code seed}). */
  private static boolean fits(Canonical c, Parameter p) {
    switch (c) {
      case PROMPT:
      case NEGATIVE_PROMPT:
        return isText(p);
      case USE_NEGATIVE_PROMPT:
      case RANDOMIZE_SEED:
        return isBoolean(p);
      case SEED:
        // A seed in a Textbox is sent as its digits.
        return isNumber(p) || (isText(p) && p.choices().isEmpty());
      case WIDTH:
      case HEIGHT:
      case STEPS:
        return isNumber(p) || numericChoices(p);
      case GUIDANCE:
        return isNumber(p);
      case ASPECT:
        if (!p.choices().isEmpty()) {
          return p.choices().stream().anyMatch(choice -> SpaceMapping.choiceRatio(choice) != null);
        }
        return !isBoolean(p) && !isNumber(p);
      default:
        return false;
    }
  }

  /** Whether every choice names a number ({@code "8-step"}, {@code 1024}). */
  static boolean numericChoices(Parameter p) {
    return !p.choices().isEmpty()
        && p.choices().stream().allMatch(c -> SpaceMapping.choiceNumber(c) != null);
  }

  static boolean isText(Parameter p) {
    String comp = lower(p.component());
    return comp.equals("textbox")
        || comp.equals("textarea")
        || comp.equals("text")
        || (comp.isEmpty() && ("string".equals(p.type()) || "str".equals(p.pythonType())));
  }

  private static boolean isBoolean(Parameter p) {
    String comp = lower(p.component());
    return comp.equals("checkbox") || "boolean".equals(p.type()) || "bool".equals(p.pythonType());
  }

  private static boolean isNumber(Parameter p) {
    String comp = lower(p.component());
    return comp.equals("slider")
        || comp.equals("number")
        || "number".equals(p.type())
        || "integer".equals(p.type())
        || "float".equals(p.pythonType())
        || "int".equals(p.pythonType());
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  static String normalize(String s) {
    if (s == null) return "";
    String n = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return n.replaceAll("^_+|_+$", "");
  }
}
