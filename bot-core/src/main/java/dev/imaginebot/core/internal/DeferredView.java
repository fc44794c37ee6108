package dev.imaginebot.core.internal;

import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.job.JobEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The view of a job resumed after a restart, before its front-end registered: keeps the latest
 * event (the terminal one wins) and hands it to the real view once there is one. A terminal event
 * counts as delivered only once the real view delivered it.
 */
final class DeferredView implements JobEventListener {
  final long jobId;
  final String platform;
  final String replyRef;
  final String language;
  private JobEventListener target;
  private JobEvent latest;
  private CompletableFuture<Void> pendingDelivery;
  private boolean terminalSeen;

  /**
   * @param language the language the job's user sees it in
   */
  DeferredView(long jobId, String platform, String replyRef, String language) {
    this.jobId = jobId;
    this.platform = platform;
    this.replyRef = replyRef;
    this.language = language;
  }

  @Override
  public synchronized void onEvent(JobEvent event) {
    if (terminalSeen) return;
    if (target != null) target.onEvent(event);
    else latest = event;
  }

  @Override
  public synchronized CompletionStage<Void> deliver(JobEvent terminal) {
    if (terminalSeen) return new CompletableFuture<>();
    terminalSeen = true;
    if (target != null) return target.deliver(terminal);
    latest = terminal;
    pendingDelivery = new CompletableFuture<>();
    return pendingDelivery;
  }

  /** Attaches the real view (rendering for the front-end's) and replays the latest event to it. */
  synchronized void attach(JobEventListener view) {
    if (view == null || target != null) return;
    target = view;
    if (latest == null) return;
    JobEvent e = latest;
    latest = null;
    if (pendingDelivery == null) {
      view.onEvent(e);
      return;
    }
    CompletableFuture<Void> done = pendingDelivery;
    pendingDelivery = null;
    view.deliver(e)
        .whenComplete(
            (ok, failed) -> {
              if (failed == null) done.complete(null);
              else done.completeExceptionally(failed);
            });
  }
}
