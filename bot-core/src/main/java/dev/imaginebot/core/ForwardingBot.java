package dev.imaginebot.core;

import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.PendingUpdate;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.StoredImage;
import java.time.Duration;
import java.util.List;

/**
 * A {@link Bot} that hands every call to another, for decorators (metrics, tests that break one
 * call) that override what they change. Every method of {@link Bot} is forwarded, defaults
 * included, so a decorator never silently falls back to a default.
 */
public class ForwardingBot implements Bot {
  private final Bot delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingBot(Bot delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate == null");
  }

  @Override
  public Reply handle(CommandContext ctx, String command, String args) {
    return delegate.handle(ctx, command, args);
  }

  @Override
  public Reply run(CommandContext ctx, String command, CommandOptions options) {
    return delegate.run(ctx, command, options);
  }

  @Override
  public Reply imagine(CommandContext ctx, GenerationRequest request) {
    return delegate.imagine(ctx, request);
  }

  @Override
  public Reply press(CommandContext ctx, String buttonId) {
    return delegate.press(ctx, buttonId);
  }

  @Override
  public void register(FrontEnd frontEnd) {
    delegate.register(frontEnd);
  }

  @Override
  public List<String> modelAliases(String prefix) {
    return delegate.modelAliases(prefix);
  }

  @Override
  public List<String> modelAliases(String prefix, ChatRef chat) {
    return delegate.modelAliases(prefix, chat);
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
  public boolean receive(String platform, String key, String payload) {
    return delegate.receive(platform, key, payload);
  }

  @Override
  public void handled(String platform, String key) {
    delegate.handled(platform, key);
  }

  @Override
  public List<PendingUpdate> pending(String platform) {
    return delegate.pending(platform);
  }

  @Override
  public void moved(long jobId, String replyRef) {
    delegate.moved(jobId, replyRef);
  }

  @Override
  public Role requestRole(String name, Role.Listener listener) {
    return delegate.requestRole(name, listener);
  }

  @Override
  public Health health() {
    return delegate.health();
  }

  @Override
  public void drain(Duration deadline) {
    delegate.drain(deadline);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
