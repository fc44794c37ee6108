package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.ForwardingBot;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobView;
import java.util.Objects;

/**
 * The core's {@link Bot} with every job view the front-ends pass in wrapped by {@link Metrics}, so
 * the app can measure jobs without the core exposing metrics.
 */
final class MeteredBot extends ForwardingBot {
  private final Metrics metrics;

  MeteredBot(Bot delegate, Metrics metrics) {
    super(delegate);
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
  }

  private CommandContext metered(CommandContext ctx) {
    return ctx.withView(metrics.wrap(ctx.view()));
  }

  @Override
  public Reply handle(CommandContext ctx, String command, String args) {
    return super.handle(metered(ctx), command, args);
  }

  @Override
  public Reply run(CommandContext ctx, String command, CommandOptions options) {
    return super.run(metered(ctx), command, options);
  }

  @Override
  public Reply imagine(CommandContext ctx, GenerationRequest request) {
    return super.imagine(metered(ctx), request);
  }

  @Override
  public Reply press(CommandContext ctx, String buttonId) {
    return super.press(metered(ctx), buttonId);
  }

  @Override
  public void register(FrontEnd frontEnd) {
    super.register(
        new FrontEnd() {
          @Override
          public String platform() {
            return frontEnd.platform();
          }

          @Override
          public JobView reattach(long jobId, String replyRef) {
            return metrics.wrap(frontEnd.reattach(jobId, replyRef));
          }
        });
  }
}
