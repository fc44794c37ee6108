package dev.imaginebot.core.model;

import java.util.Locale;

/** The request parameters the core knows, mapped onto each Space's own parameter names. */
public enum Canonical {
  PROMPT,
  NEGATIVE_PROMPT,
  USE_NEGATIVE_PROMPT,
  SEED,
  RANDOMIZE_SEED,
  WIDTH,
  HEIGHT,
  ASPECT,
  STEPS,
  GUIDANCE;

  /** The name used in config renames and in descriptions ({@code negative_prompt}). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The canonical parameter for a config rename key, accepting a few spellings. */
  public static Canonical fromKey(String key) {
    String k = key.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (k) {
      case "negative":
      case "no":
        return NEGATIVE_PROMPT;
      case "ar":
      case "aspect_ratio":
        return ASPECT;
      case "num_inference_steps":
        return STEPS;
      case "guidance_scale":
      case "cfg":
        return GUIDANCE;
      default:
        for (Canonical c : values()) {
          if (c.key().equals(k)) return c;
        }
        return null;
    }
  }
}
