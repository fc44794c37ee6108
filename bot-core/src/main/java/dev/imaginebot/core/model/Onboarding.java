package dev.imaginebot.core.model;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.gradio.ApiInfo;
import dev.imaginebot.gradio.Endpoint;
import dev.imaginebot.gradio.Parameter;
import dev.imaginebot.gradio.ReturnValue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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

  static {
    NAMES.put(
        Canonical.PROMPT,
        Set.of(
            "prompt",
            "text",
            "input",
            "caption",
            "positive_prompt",
            "prompt_text",
            "text_prompt",
            "input_text",
            "description",
            "query",
            "message",
            "positive"));
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
        Set.of(
            "randomize_seed", "random_seed", "randomize", "randomise_seed", "random", "rand_seed"));
    NAMES.put(Canonical.WIDTH, Set.of("width", "w", "image_width", "img_width"));
    NAMES.put(Canonical.HEIGHT, Set.of("height", "h", "image_height", "img_height"));
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
        Set.of("guidance_scale", "guidance", "cfg", "cfg_scale", "scale", "guidance_strength"));
    NAMES.put(
        Canonical.ASPECT,
        Set.of(
            "aspect_ratio",
            "ratio",
            "resolution",
            "aspect",
            "size",
            "image_size",
            "dimensions",
            "style_ratio"));
  }

  private Onboarding() {}

  /** A mapping, or why none could be made. */
  public record Result(SpaceMapping mapping, String problem) {
    public boolean ok() {
      return mapping != null;
    }
  }

  /** Maps {@code api} for {@code backend} (its endpoint, renames and fixed values win). */
  public static Result map(ApiInfo api, BackendConfig backend) {
    List<Endpoint> candidates = new ArrayList<>();
    if (backend.endpoint() != null) {
      var named = api.endpoint(backend.endpoint());
      if (named.isEmpty()) {
        return new Result(
            null, "endpoint " + backend.endpoint() + " is gone; the Space has " + names(api));
      }
      candidates.add(named.get());
    } else {
      candidates.addAll(api.endpoints());
    }
    Endpoint best = null;
    Map<Parameter, Canonical> bestBinding = null;
    int bestScore = Integer.MIN_VALUE;
    for (Endpoint e : candidates) {
      if (e.name() == null && backend.endpoint() == null) continue;
      Map<Parameter, Canonical> binding = bind(e, backend.renames());
      if (!binding.containsValue(Canonical.PROMPT)) continue;
      int images = imageOutputs(e);
      boolean hasReturnInfo = !e.returns().isEmpty();
      if (backend.endpoint() == null && hasReturnInfo && images == 0) continue;
      int score = binding.size() * 2 + (images > 0 ? 20 : 0);
      int preferred = PREFERRED.indexOf(e.name());
      if (preferred >= 0) score += 30 - preferred;
      String lower = e.name() == null ? "" : e.name().toLowerCase(Locale.ROOT);
      if (lower.contains("generate") || lower.contains("infer") || lower.contains("image"))
        score += 5;
      if (score > bestScore) {
        bestScore = score;
        best = e;
        bestBinding = binding;
      }
    }
    if (best == null) {
      return new Result(
          null,
          "no endpoint takes a text prompt and returns images (endpoints: " + names(api) + ")");
    }
    List<SpaceMapping.Binding> bindings = new ArrayList<>();
    for (Parameter p : best.parameters()) {
      bindings.add(new SpaceMapping.Binding(p, bestBinding.get(p)));
    }
    return new Result(
        new SpaceMapping(best.name(), bindings, backend.fixed(), imageOutputs(best)), null);
  }

  private static String names(ApiInfo api) {
    List<String> names = new ArrayList<>();
    for (Endpoint e : api.endpoints()) {
      if (e.name() != null) names.add(e.name());
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  static int imageOutputs(Endpoint e) {
    int n = 0;
    for (ReturnValue r : e.returns()) {
      if (r.component() != null
          && IMAGE_COMPONENTS.contains(r.component().toLowerCase(Locale.ROOT))) n++;
    }
    return n;
  }

  /** Binds each parameter to at most one canonical value and each canonical value at most once. */
  static Map<Parameter, Canonical> bind(Endpoint e, Map<String, String> renames) {
    Map<Parameter, Canonical> out = new HashMap<>();
    Map<Canonical, Parameter> taken = new EnumMap<>(Canonical.class);
    // 1. Config renames win.
    for (Map.Entry<String, String> r : renames.entrySet()) {
      Canonical c = Canonical.fromKey(r.getKey());
      if (c == null) continue;
      for (Parameter p : e.parameters()) {
        if (p.name().equals(r.getValue()) && !out.containsKey(p)) {
          out.put(p, c);
          taken.put(c, p);
        }
      }
    }
    // 2. Exact names and synonyms, 3. labels (old apps name parameters param_<i>).
    for (int pass = 0; pass < 2; pass++) {
      for (Parameter p : e.parameters()) {
        if (out.containsKey(p)) continue;
        Canonical c = pass == 0 ? byName(normalize(p.name())) : byLabel(p);
        if (c != null && !taken.containsKey(c) && fits(c, p)) {
          out.put(p, c);
          taken.put(c, p);
        }
      }
    }
    // 4. No prompt yet: the first free text box.
    if (!taken.containsKey(Canonical.PROMPT)) {
      for (Parameter p : e.parameters()) {
        if (!out.containsKey(p) && isText(p)) {
          out.put(p, Canonical.PROMPT);
          break;
        }
      }
    }
    return out;
  }

  private static Canonical byName(String name) {
    for (Map.Entry<Canonical, Set<String>> entry : NAMES.entrySet()) {
      if (entry.getValue().contains(name)) return entry.getKey();
    }
    return null;
  }

  private static Canonical byLabel(Parameter p) {
    if (p.label() == null) return null;
    String l = normalize(p.label());
    Canonical exact = byName(l);
    if (exact != null) return exact;
    if (l.contains("negative")) {
      return isBoolean(p) ? Canonical.USE_NEGATIVE_PROMPT : Canonical.NEGATIVE_PROMPT;
    }
    if (l.contains("random")) return Canonical.RANDOMIZE_SEED;
    if (l.contains("seed")) return Canonical.SEED;
    if (l.contains("width")) return Canonical.WIDTH;
    if (l.contains("height")) return Canonical.HEIGHT;
    if (l.contains("step")) return Canonical.STEPS;
    if (l.contains("guidance") || l.contains("cfg")) return Canonical.GUIDANCE;
    if (l.contains("aspect") || l.contains("ratio") || l.contains("resolution"))
      return Canonical.ASPECT;
    if (l.contains("prompt")) return Canonical.PROMPT;
    return null;
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
      case WIDTH:
      case HEIGHT:
      case STEPS:
      case GUIDANCE:
        return isNumber(p);
      case ASPECT:
        return !isBoolean(p);
      default:
        return false;
    }
  }

  private static boolean isText(Parameter p) {
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
