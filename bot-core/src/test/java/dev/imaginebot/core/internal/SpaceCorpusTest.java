package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.Onboarding;
import dev.imaginebot.core.model.RealSpaceGateway;
import dev.imaginebot.core.model.SpaceMapping;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of Space-shaped apps ({@code gradio-apps/corpus.py}) onboarded from nothing but their
 * URL and sent one job each, on every pinned Gradio release; each app reports what it received, and
 * every requested parameter it offers is checked. Prints a matrix of shapes × releases × parameters
 * at the end.
 */
class SpaceCorpusTest {
  private static final List<String> PARAMETERS =
      List.of("prompt", "seed", "negative_prompt", "steps", "size");

  /** version -> shape -> parameter -> passed (absent: not offered). */
  private static final Map<String, Map<String, Map<String, Boolean>>> MATRIX =
      new ConcurrentHashMap<>();

  @TempDir Path dir;

  static List<String> versions() {
    return GradioTestServer.versions();
  }

  private static CoreConfig config(Path dir, GradioTestServer server, Set<String> shapes) {
    List<ModelConfig> models = new ArrayList<>();
    for (String shape : shapes) {
      models.add(
          new ModelConfig(
              alias(shape), shape, List.of(BackendConfig.discover(server.url("c-" + shape)))));
    }
    return new CoreConfig(
        dir,
        null,
        models,
        models.get(0).alias(),
        Set.of(),
        Limits.defaults(),
        Duration.ofMillis(200),
        "en",
        GradioSettings.defaults());
  }

  private static String alias(String shape) {
    return shape.replace("-", "");
  }

  @ParameterizedTest
  @MethodSource("versions")
  void everyShapeGetsEveryRequestedParameter(String version) {
    GradioTestServer server = GradioTestServer.shared(version);
    Map<String, Map<String, Object>> corpus = new TreeMap<>(server.corpus());
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(15);
    GenerationRequest wanted = SpaceMapping.SAMPLE;
    List<String> failures = new ArrayList<>();
    Map<String, Map<String, Boolean>> row = new TreeMap<>();
    try (Bot bot = Bot.start(config(dir, server, corpus.keySet()))) {
      for (Map.Entry<String, Map<String, Object>> entry : corpus.entrySet()) {
        String shape = entry.getKey();
        @SuppressWarnings("unchecked")
        List<String> offers = (List<String>) entry.getValue().get("offers");
        boolean quota = "quota".equals(entry.getValue().get("fails"));
        UserRef user = new UserRef("console", "u-" + shape, "User", "en");
        RecordingView view = new RecordingView();
        Reply reply =
            bot.handle(
                new CommandContext(
                    user, new ChatRef("console", user.id(), false), false, null, view),
                "imagine",
                SpaceMapping.SAMPLE_TEXT + " --model " + alias(shape));
        Map<String, Boolean> cells = new TreeMap<>();
        row.put(shape, cells);
        if (reply.kind() != Reply.Kind.JOB_STARTED) {
          failures.add(shape + ": not started: " + reply.text());
          continue;
        }
        JobEvent last = view.terminal();
        boolean resultOk;
        if (quota) {
          resultOk =
              last instanceof JobEvent.Failed f
                  && f.code() == ErrorCode.QUOTA_EXCEEDED
                  && f.retryAfter().isPresent();
        } else {
          resultOk =
              last instanceof JobEvent.Completed done
                  && !done.images().isEmpty()
                  && (!offers.contains("size")
                      || done.images().stream().allMatch(i -> i.width() > i.height()));
        }
        cells.put("result", resultOk);
        if (!resultOk) failures.add(shape + ": result " + last);
        Map<String, Object> got = server.received(shape);
        for (String parameter : offers) {
          boolean ok = check(parameter, got, wanted);
          cells.put(parameter, ok);
          if (!ok) failures.add(shape + ": " + parameter + " arrived as " + got);
        }
      }
    }
    MATRIX.put(version, row);
    assertThat(failures).as("Gradio " + version).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("versions")
  void inspectSaysWhyEachParameterIsMappedAndWhatASampleSends(String version) {
    GradioTestServer server = GradioTestServer.shared(version);
    try (RealSpaceGateway gateway =
        // The bot's gateway reaches only what the config allows: here the local Gradio app.
        new RealSpaceGateway(
            GradioSettings.defaults().withAllowedHosts(List.of(server.baseUrl())),
            25L * 1024 * 1024)) {
      String lambda = describe(gateway, server, "lambda-args");
      assertThat(lambda)
          .contains("(\"Seed (use -1 for random)\") <- seed (by label)")
          .contains("sends: ")
          .contains("=\"a red fox in the snow\"")
          .contains("=\"blurry\"");
      assertThat(describe(gateway, server, "flux-dev-guidance"))
          .containsPattern(
              "Guidance Scale\"\\) .*\\(default 0(\\.0)? clamped into its range: 1(\\.0)?\\)");
      assertThat(describe(gateway, server, "steps-choices"))
          .contains("<- steps (by label) (numbers parsed from the choices)")
          .contains("=\"8-Step\"");
      assertThat(describe(gateway, server, "sdxl-limits-1024"))
          .containsPattern("sends: .*=1024, \\w+=576,");
    }
  }

  private static String describe(RealSpaceGateway gateway, GradioTestServer server, String shape) {
    Onboarding.Result r =
        Onboarding.map(gateway.api(server.url("c-" + shape)), BackendConfig.discover(shape));
    assertThat(r.ok()).as(String.valueOf(r.problem())).isTrue();
    return r.mapping().describe();
  }

  private static boolean check(String parameter, Map<String, Object> got, GenerationRequest r) {
    switch (parameter) {
      case "prompt":
        return r.prompt().equals(got.get("prompt"));
      case "negative_prompt":
        return r.negativePrompt().equals(got.get("negative_prompt"));
      case "seed":
        return got.get("seed") instanceof Number n && n.longValue() == r.seed();
      case "steps":
        return got.get("steps") instanceof Number n && n.intValue() == r.steps();
      case "size":
        if (!(got.get("width") instanceof Number w) || !(got.get("height") instanceof Number h)) {
          return false;
        }
        // Within 7%: the nearest a 256-pixel grid allows to 16:9 is 1280x768 (6.4% off).
        double off = Math.abs(Math.log(w.doubleValue() / h.doubleValue() / (16.0 / 9.0)));
        return off < 0.07;
      default:
        throw new IllegalArgumentException(parameter);
    }
  }

  @AfterAll
  static void printMatrix() {
    if (MATRIX.isEmpty()) return;
    List<String> versions = new ArrayList<>();
    for (String v : GradioTestServer.versions()) if (MATRIX.containsKey(v)) versions.add(v);
    List<String> columns = new ArrayList<>(PARAMETERS);
    columns.add("result");
    StringBuilder out = new StringBuilder("\nSpace corpus: ");
    out.append("p=prompt s=seed n=negative prompt t=steps r=size ratio i=image or quota reply; ");
    out.append("+ passed, X failed, . not offered\n");
    int width = 22;
    out.append(String.format("%-" + width + "s", "shape"));
    for (String v : versions) out.append(String.format(" %-8s", v));
    out.append('\n');
    Set<String> shapes = new java.util.TreeSet<>();
    MATRIX.values().forEach(r -> shapes.addAll(r.keySet()));
    int passed = 0;
    int total = 0;
    for (String shape : shapes) {
      out.append(String.format("%-" + width + "s", shape));
      for (String v : versions) {
        Map<String, Boolean> cells = MATRIX.get(v).getOrDefault(shape, Map.of());
        StringBuilder cell = new StringBuilder();
        for (String c : columns) {
          Boolean ok = cells.get(c);
          cell.append(ok == null ? '.' : ok ? '+' : 'X');
          if (ok != null) {
            total++;
            if (ok) passed++;
          }
        }
        out.append(' ').append(String.format("%-8s", cell));
      }
      out.append('\n');
    }
    out.append(
        String.format(
            "%d shapes x %d releases: %d of %d checks passed%n",
            shapes.size(), versions.size(), passed, total));
    System.out.println(out);
  }
}
