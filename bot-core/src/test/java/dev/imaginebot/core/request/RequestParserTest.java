package dev.imaginebot.core.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestParserTest {
  private static final List<String> MODELS = List.of("flux", "mj", "sdxl");
  private final RequestParser parser = new RequestParser(50);

  private GenerationRequest ok(String text) {
    ParseResult r = parser.parse(text, MODELS);
    assertThat(r.ok()).as("%s -> %s %s", text, r.messageKey(), r.args()).isTrue();
    return r.request();
  }

  private ParseResult error(String text, ErrorCode code) {
    ParseResult r = parser.parse(text, MODELS);
    assertThat(r.ok()).isFalse();
    assertThat(r.error()).isEqualTo(code);
    return r;
  }

  @Test
  void plainPromptUsesTheDefaultModel() {
    GenerationRequest r = ok("  a red fox   in the snow ");
    assertThat(r.prompt()).isEqualTo("a red fox in the snow");
    assertThat(r.model()).isNull();
    assertThat(r.count()).isEqualTo(1);
  }

  @Test
  void trailingModelWordSelectsTheModel() {
    GenerationRequest r = ok("a red fox MJ");
    assertThat(r.model()).isEqualTo("mj");
    assertThat(r.prompt()).isEqualTo("a red fox");
  }

  @Test
  void aModelNameAloneIsAPrompt() {
    assertThat(ok("flux").prompt()).isEqualTo("flux");
  }

  @Test
  void everyFlagIsParsed() {
    GenerationRequest r =
        ok(
            "castle --ar 16:9 --seed 42 --no blur, low quality --steps 8 --guidance 3.5 --n 4 --model sdxl");
    assertThat(r.prompt()).isEqualTo("castle");
    assertThat(r.aspect()).isEqualTo("16:9");
    assertThat(r.seed()).isEqualTo(42L);
    assertThat(r.negativePrompt()).isEqualTo("blur, low quality");
    assertThat(r.steps()).isEqualTo(8);
    assertThat(r.guidance()).isEqualTo(3.5);
    assertThat(r.count()).isEqualTo(4);
    assertThat(r.model()).isEqualTo("sdxl");
  }

  @Test
  void sizeFlagSetsWidthAndHeight() {
    GenerationRequest r = ok("portrait --size 768x1024");
    assertThat(r.width()).isEqualTo(768);
    assertThat(r.height()).isEqualTo(1024);
  }

  @Test
  void ideographicSpaceSeparatesAFlag() {
    GenerationRequest r = ok("\u4e00\u53ea\u732b\u3000--ar 16:9");
    assertThat(r.prompt()).isEqualTo("\u4e00\u53ea\u732b");
    assertThat(r.aspect()).isEqualTo("16:9");
  }

  @Test
  void noBreakAndOtherUnicodeSpacesSeparateFlags() {
    GenerationRequest r = ok("\u00a0a cat\u00a0--seed\u20027\u202f--ar\u300016:9\u3000");
    assertThat(r.prompt()).isEqualTo("a cat");
    assertThat(r.seed()).isEqualTo(7L);
    assertThat(r.aspect()).isEqualTo("16:9");
  }

  @Test
  void enAndEmDashesAreTheUsersText() {
    GenerationRequest r = ok("Tokyo \u2014 night\u2013rain \u2014ar 16:9");
    assertThat(r.prompt()).isEqualTo("Tokyo \u2014 night\u2013rain \u2014ar 16:9");
    assertThat(r.aspect()).isNull();
  }

  @Test
  void doubleDashBeforeANonAsciiWordIsText() {
    GenerationRequest r = ok("\u732b --\u96ea");
    assertThat(r.prompt()).isEqualTo("\u732b --\u96ea");
  }

  @Test
  void trailingModelAfterNegativeList() {
    GenerationRequest r = ok("a cat --no fog mj");
    assertThat(r.model()).isEqualTo("mj");
    assertThat(r.negativePrompt()).isEqualTo("fog");
  }

  @Test
  void badFlagsHaveSpecificMessages() {
    assertThat(error("cat --ar wide", ErrorCode.BAD_FLAG).messageKey())
        .isEqualTo("parse.flag.badValue");
    assertThat(error("cat --steps 999", ErrorCode.BAD_FLAG).messageKey())
        .isEqualTo("parse.flag.range");
    assertThat(error("cat --n 5", ErrorCode.BAD_FLAG).messageKey()).isEqualTo("parse.flag.range");
    assertThat(error("cat --seed", ErrorCode.BAD_FLAG).messageKey())
        .isEqualTo("parse.flag.missingValue");
    assertThat(error("cat --no", ErrorCode.BAD_FLAG).messageKey())
        .isEqualTo("parse.flag.missingValue");
    ParseResult unknown = error("cat --sharp 3", ErrorCode.BAD_FLAG);
    assertThat(unknown.messageKey()).isEqualTo("parse.flag.unknown");
    assertThat(unknown.args().get(0)).isEqualTo("--sharp");
    assertThat(error("cat --ar 16:9 --size 512x512", ErrorCode.BAD_FLAG).messageKey())
        .isEqualTo("parse.flag.conflict");
  }

  @Test
  void unknownModelSuggestsCloseNames() {
    ParseResult r = error("cat --model flx", ErrorCode.UNKNOWN_MODEL);
    assertThat(r.messageKey()).isEqualTo("parse.model.didYouMean");
    assertThat(r.args()).containsExactly("flx", "flux");
    ParseResult none = error("cat --model zzzzzz", ErrorCode.UNKNOWN_MODEL);
    assertThat(none.messageKey()).isEqualTo("error.UNKNOWN_MODEL");
  }

  @Test
  void emptyAndOverlongPromptsAreRefused() {
    error("   ", ErrorCode.EMPTY_PROMPT);
    error("--seed 4", ErrorCode.EMPTY_PROMPT);
    ParseResult r = error("x".repeat(51), ErrorCode.PROMPT_TOO_LONG);
    assertThat(r.args()).containsExactly(50, 51);
  }
}
