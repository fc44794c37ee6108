package dev.imaginebot.core.job;

import java.util.Objects;

/**
 * A parsed {@code /imagine} request, the same for every front-end. Null fields mean "not given":
 * the model's Space defaults (or the user's/chat's/global default model) apply.
 *
 * @param prompt the prompt, trimmed, never empty
 * @param model a model alias, or null for the default
 * @param negativePrompt what to avoid ({@code --no}), or null
 * @param seed the seed ({@code --seed}), or null for a random one
 * @param aspect an aspect ratio such as {@code "16:9"} ({@code --ar}), or null
 * @param width pixels ({@code --size 768x1024}), or null
 * @param height pixels, or null
 * @param steps inference steps ({@code --steps}), or null
 * @param guidance guidance scale ({@code --guidance}), or null
 * @param count how many images (variations run as separate seeds), 1 or more
 */
public record GenerationRequest(
    String prompt,
    String model,
    String negativePrompt,
    Long seed,
    String aspect,
    Integer width,
    Integer height,
    Integer steps,
    Double guidance,
    int count) {
  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt == null");
    if (count < 1) throw new IllegalArgumentException("count < 1");
  }

  /** Just a prompt, everything else default. */
  public static GenerationRequest of(String prompt) {
    return new GenerationRequest(prompt, null, null, null, null, null, null, null, null, 1);
  }

  public GenerationRequest withSeed(Long newSeed) {
    return new GenerationRequest(
        prompt, model, negativePrompt, newSeed, aspect, width, height, steps, guidance, count);
  }

  public GenerationRequest withModel(String newModel) {
    return new GenerationRequest(
        prompt, newModel, negativePrompt, seed, aspect, width, height, steps, guidance, count);
  }
}
