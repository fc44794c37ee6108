package dev.imaginebot.core.request;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one {@code /imagine} grammar: {@code <prompt> [model]} with Midjourney-style flags {@code
 * --ar 16:9}, {@code --seed 42}, {@code --no <words...>}, {@code --steps 8}, {@code --model flux},
 * {@code --size 768x1024}, {@code --guidance 3.5}, {@code --n 4}. A trailing prompt word that names
 * a known model selects it. Stateless and thread-safe.
 */
public final class RequestParser {
  /** Most images one request may ask for. */
  public static final int MAX_COUNT = 4;

  private static final Pattern ASPECT = Pattern.compile("(\\d{1,3})[:/](\\d{1,3})");
  private static final Pattern SIZE = Pattern.compile("(\\d{2,5})[x*×](\\d{2,5})");
  private static final List<String> FLAGS =
      List.of("--ar", "--seed", "--no", "--steps", "--model", "--size", "--guidance", "--n");

  private final int maxPromptLength;

  public RequestParser(int maxPromptLength) {
    this.maxPromptLength = maxPromptLength;
  }

  /**
   * Parses {@code text} (everything after the command name).
   *
   * @param models the known model aliases (for the trailing word and {@code --model})
   */
  public ParseResult parse(String text, Collection<String> models) {
    Objects.requireNonNull(models, "models == null");
    List<String> tokens = tokenize(text == null ? "" : text);
    String trailingModel = null;
    if (tokens.size() > 1) {
      // The last word may name a model even after a --no list: "a cat --no fog mj".
      String last = tokens.get(tokens.size() - 1);
      String before = tokens.get(tokens.size() - 2).toLowerCase(Locale.ROOT);
      boolean isFlagValue = isFlag(before) && !before.equals("--no");
      String found = isFlagValue || isFlag(last) ? null : findModel(last, models);
      if (found != null) {
        trailingModel = found;
        tokens = new ArrayList<>(tokens.subList(0, tokens.size() - 1));
      }
    }
    List<String> promptWords = new ArrayList<>();
    List<String> negative = null;
    String model = null;
    Long seed = null;
    String aspect = null;
    Integer width = null;
    Integer height = null;
    Integer steps = null;
    Double guidance = null;
    int count = 1;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (!isFlag(token)) {
        if (negative != null) negative.add(token);
        else promptWords.add(token);
        continue;
      }
      String flag = token.toLowerCase(Locale.ROOT);
      if (flag.equals("--no")) {
        negative = new ArrayList<>();
        continue;
      }
      // Any other flag ends a --no list.
      if (negative != null && negative.isEmpty()) {
        return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.missingValue", "--no");
      }
      List<String> done = negative;
      negative = null;
      if (done != null) promptWords.add("\u0000no:" + String.join(" ", done));
      if (!FLAGS.contains(flag)) {
        return ParseResult.error(
            ErrorCode.BAD_FLAG, "parse.flag.unknown", token, String.join(" ", FLAGS));
      }
      if (i + 1 >= tokens.size() || isFlag(tokens.get(i + 1))) {
        return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.missingValue", flag);
      }
      String value = tokens.get(++i);
      switch (flag) {
        case "--ar":
          {
            Matcher m = ASPECT.matcher(value);
            if (!m.matches()) return badValue(flag, value, "16:9");
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            if (a == 0 || b == 0 || a > 4 * b || b > 4 * a) return badValue(flag, value, "16:9");
            aspect = a + ":" + b;
            break;
          }
        case "--seed":
          try {
            seed = Long.parseLong(value);
          } catch (NumberFormatException e) {
            return badValue(flag, value, "42");
          }
          if (seed < 0 || seed > 0xFFFF_FFFFL) return badValue(flag, value, "42");
          break;
        case "--steps":
          steps = parseInt(value, 1, 150);
          if (steps == null) return badRange(flag, value, 1, 150);
          break;
        case "--n":
          Integer n = parseInt(value, 1, MAX_COUNT);
          if (n == null) return badRange(flag, value, 1, MAX_COUNT);
          count = n;
          break;
        case "--guidance":
          try {
            guidance = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            return badRange(flag, value, 0, 30);
          }
          if (!(guidance >= 0 && guidance <= 30)) return badRange(flag, value, 0, 30);
          break;
        case "--size":
          {
            Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
            if (!m.matches()) return badValue(flag, value, "768x1024");
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
            if (width < 64 || height < 64 || width > 4096 || height > 4096) {
              return badRange(flag, value, 64, 4096);
            }
            break;
          }
        case "--model":
          model = findModel(value, models);
          if (model == null) return unknownModel(value, models);
          break;
        default:
          throw new IllegalStateException("unhandled flag " + flag);
      }
    }
    if (negative != null) {
      if (negative.isEmpty()) {
        return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.missingValue", "--no");
      }
      promptWords.add("\u0000no:" + String.join(" ", negative));
    }
    List<String> negatives = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (String w : promptWords) {
      if (w.startsWith("\u0000no:")) negatives.add(w.substring(4));
      else words.add(w);
    }
    if (model == null) model = trailingModel;
    if (aspect != null && width != null) {
      return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.conflict", "--ar", "--size");
    }
    String prompt = String.join(" ", words).strip();
    if (prompt.isEmpty()) return ParseResult.error(ErrorCode.EMPTY_PROMPT, "error.EMPTY_PROMPT");
    if (prompt.codePointCount(0, prompt.length()) > maxPromptLength) {
      return ParseResult.error(
          ErrorCode.PROMPT_TOO_LONG,
          "error.PROMPT_TOO_LONG",
          maxPromptLength,
          prompt.codePointCount(0, prompt.length()));
    }
    String negativePrompt = negatives.isEmpty() ? null : String.join(", ", negatives);
    return ParseResult.ok(
        new GenerationRequest(
            prompt, model, negativePrompt, seed, aspect, width, height, steps, guidance, count));
  }

  /**
   * Checks a request a front-end built from typed options, as {@link #parse} checks flags: the
   * prompt (taken literally, never read for flags or a trailing model), the model
   * (case-insensitive, returned as its alias), and each value's range. Returns the request, cleaned
   * up, or an error.
   */
  public ParseResult check(GenerationRequest request, Collection<String> models) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(models, "models == null");
    String prompt = request.prompt().strip();
    if (prompt.isEmpty()) return ParseResult.error(ErrorCode.EMPTY_PROMPT, "error.EMPTY_PROMPT");
    int length = prompt.codePointCount(0, prompt.length());
    if (length > maxPromptLength) {
      return ParseResult.error(
          ErrorCode.PROMPT_TOO_LONG, "error.PROMPT_TOO_LONG", maxPromptLength, length);
    }
    String model = null;
    if (request.model() != null && !request.model().isBlank()) {
      model = findModel(request.model().strip(), models);
      if (model == null) return unknownModel(request.model().strip(), models);
    }
    String aspect = request.aspect();
    if (aspect != null) {
      Matcher m = ASPECT.matcher(aspect.strip());
      if (!m.matches()) return badValue("--ar", aspect, "16:9");
      int a = Integer.parseInt(m.group(1));
      int b = Integer.parseInt(m.group(2));
      if (a == 0 || b == 0 || a > 4 * b || b > 4 * a) return badValue("--ar", aspect, "16:9");
      aspect = a + ":" + b;
    }
    Long seed = request.seed();
    if (seed != null && (seed < 0 || seed > 0xFFFF_FFFFL)) {
      return badValue("--seed", seed.toString(), "42");
    }
    Integer steps = request.steps();
    if (steps != null && (steps < 1 || steps > 150)) {
      return badRange("--steps", steps.toString(), 1, 150);
    }
    if (request.count() > MAX_COUNT) {
      return badRange("--n", Integer.toString(request.count()), 1, MAX_COUNT);
    }
    Double guidance = request.guidance();
    if (guidance != null && !(guidance >= 0 && guidance <= 30)) {
      return badRange("--guidance", guidance.toString(), 0, 30);
    }
    Integer width = request.width();
    Integer height = request.height();
    if ((width == null) != (height == null)) {
      return badValue("--size", width + "x" + height, "768x1024");
    }
    if (width != null && (width < 64 || height < 64 || width > 4096 || height > 4096)) {
      return badRange("--size", width + "x" + height, 64, 4096);
    }
    if (aspect != null && width != null) {
      return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.conflict", "--ar", "--size");
    }
    String negative = request.negativePrompt();
    if (negative != null && negative.isBlank()) negative = null;
    return ParseResult.ok(
        new GenerationRequest(
            prompt,
            model,
            negative == null ? null : negative.strip(),
            seed,
            aspect,
            width,
            height,
            steps,
            guidance,
            request.count()));
  }

  /** The known aliases closest to {@code typed} (edit distance at most 2, or a prefix). */
  public static List<String> suggestions(String typed, Collection<String> models) {
    String t = typed.toLowerCase(Locale.ROOT);
    return models.stream()
        .filter(
            m ->
                distance(t, m.toLowerCase(Locale.ROOT)) <= Math.max(1, Math.min(2, t.length() / 2))
                    || (t.length() >= 2 && m.toLowerCase(Locale.ROOT).startsWith(t)))
        .sorted(Comparator.comparingInt((String m) -> distance(t, m.toLowerCase(Locale.ROOT))))
        .limit(3)
        .toList();
  }

  private static ParseResult unknownModel(String value, Collection<String> models) {
    List<String> close = suggestions(value, models);
    if (close.isEmpty()) {
      return ParseResult.error(
          ErrorCode.UNKNOWN_MODEL, "error.UNKNOWN_MODEL", value, String.join(", ", models));
    }
    return ParseResult.error(
        ErrorCode.UNKNOWN_MODEL, "parse.model.didYouMean", value, String.join(", ", close));
  }

  private static String findModel(String word, Collection<String> models) {
    for (String m : models) {
      if (m.equalsIgnoreCase(word)) return m;
    }
    return null;
  }

  private static ParseResult badValue(String flag, String value, String example) {
    return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.badValue", flag, value, example);
  }

  private static ParseResult badRange(String flag, String value, int min, int max) {
    return ParseResult.error(ErrorCode.BAD_FLAG, "parse.flag.range", flag, value, min, max);
  }

  private static Integer parseInt(String value, int min, int max) {
    try {
      int v = Integer.parseInt(value);
      return v < min || v > max ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isFlag(String token) {
    // Only ASCII "--" and an ASCII letter: an en or em dash, or "--" before a word in another
    // script, is part of the user's prompt.
    if (token.length() <= 2 || !token.startsWith("--")) return false;
    char c = token.charAt(2);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Splits on every kind of space, ideographic (U+3000) and no-break (U+00A0) included. */
  static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
      if (space && start >= 0) {
        tokens.add(text.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) tokens.add(text.substring(start));
    return tokens;
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] tmp = prev;
      prev = cur;
      cur = tmp;
    }
    return prev[b.length()];
  }
}
