package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.job.UserRef;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The metrics decorator changes only the job view: everything else reaches the core intact. */
class MeteredBotTest {
  /** A core that keeps the context it was handed. */
  static final class Core implements Bot {
    final AtomicReference<CommandContext> got = new AtomicReference<>();

    @Override
    public Reply handle(CommandContext ctx, String command, String args) {
      got.set(ctx);
      return Reply.jobStarted(7);
    }

    @Override
    public Reply run(CommandContext ctx, String command, CommandOptions options) {
      got.set(ctx);
      return Reply.message("ran");
    }

    @Override
    public Reply imagine(CommandContext ctx, GenerationRequest request) {
      got.set(ctx);
      return Reply.jobStarted(9);
    }

    @Override
    public Reply press(CommandContext ctx, String buttonId) {
      got.set(ctx);
      return Reply.jobStarted(8);
    }

    @Override
    public void register(FrontEnd frontEnd) {}

    @Override
    public List<String> modelAliases(String prefix) {
      return List.of();
    }

    @Override
    public String describe(JobEvent event, String language) {
      return "";
    }

    @Override
    public String text(String language, String key, Object... args) {
      return key;
    }

    @Override
    public byte[] fit(StoredImage image, long maxBytes) {
      return new byte[0];
    }

    @Override
    public Health health() {
      return new Health(false);
    }

    @Override
    public void close() {}
  }

  @Test
  void healthIsTheCoresNotTheStandInDefault() {
    assertThat(new MeteredBot(new Core(), new Metrics("test")).health().database()).isFalse();
  }

  @Test
  void aCommandKeepsItsUpdateKeySoARedeliveredUpdateFindsItsJob() {
    Core core = new Core();
    Bot metered = new MeteredBot(core, new Metrics("test"));
    CommandContext ctx =
        new CommandContext(
                new UserRef("telegram", "1", "U", "en"),
                new ChatRef("telegram", "1", false),
                true,
                "1:reply:5",
                event -> {})
            .withCommandKey("update:41");

    metered.handle(ctx, "imagine", "a fox");
    assertThat(core.got.get().commandKey()).isEqualTo("update:41");
    assertThat(core.got.get().replyRef()).isEqualTo("1:reply:5");
    assertThat(core.got.get().platformAdmin()).isTrue();
    assertThat(core.got.get().view()).isNotSameAs(ctx.view());

    metered.press(ctx, "reroll:1:sig");
    assertThat(core.got.get().commandKey()).isEqualTo("update:41");

    // The typed ways in are metered too, and keep the rest of the context.
    metered.imagine(ctx, GenerationRequest.of("a fox"));
    assertThat(core.got.get().commandKey()).isEqualTo("update:41");
    assertThat(core.got.get().view()).isNotSameAs(ctx.view());
    metered.run(ctx, "models", CommandOptions.none());
    assertThat(core.got.get().replyRef()).isEqualTo("1:reply:5");
    assertThat(core.got.get().view()).isNotSameAs(ctx.view());
  }
}
