package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.StoredImage;
import java.util.List;
import java.util.Objects;

/**
 * The core's {@link Bot} with every job view the front-ends pass in wrapped by {@link Metrics}, so
 * the app can measure jobs without the core exposing metrics.
 */
final class MeteredBot implements Bot {
  private final Bot delegate;
  private final Metrics metrics;

  MeteredBot(Bot delegate, Metrics metrics) {
    this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
  }

  private CommandContext metered(CommandContext ctx) {
    return new CommandContext(
        ctx.user(), ctx.chat(), ctx.platformAdmin(), ctx.replyRef(), metrics.wrap(ctx.view()));
  }

  @Override
  public Reply handle(CommandContext ctx, String command, String args) {
    return delegate.handle(metered(ctx), command, args);
  }

  @Override
  public Reply press(CommandContext ctx, String buttonId) {
    return delegate.press(metered(ctx), buttonId);
  }

  @Override
  public void register(FrontEnd frontEnd) {
    delegate.register(
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

  @Override
  public boolean receive(String platform, String key, String payload) {
    return delegate.receive(platform, key, payload);
  }

  @Override
  public void handled(String platform, String key) {
    delegate.handled(platform, key);
  }

  @Override
  public List<dev.imaginebot.core.command.PendingUpdate> pending(String platform) {
    return delegate.pending(platform);
  }

  @Override
  public void moved(long jobId, String replyRef) {
    delegate.moved(jobId, replyRef);
  }

  @Override
  public void drain(java.time.Duration deadline) {
    delegate.drain(deadline);
  }

  @Override
  public List<String> modelAliases(String prefix) {
    return delegate.modelAliases(prefix);
  }

  @Override
  public String describe(JobEvent event, String language) {
    return delegate.describe(event, language);
  }

  @Override
  public String text(String language, String key, Object... args) {
    return delegate.text(language, key, args);
  }

  @Override
  public List<Button> buttons(JobEvent event, String language) {
    return delegate.buttons(event, language);
  }

  @Override
  public byte[] fit(StoredImage image, long maxBytes) {
    return delegate.fit(image, maxBytes);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
