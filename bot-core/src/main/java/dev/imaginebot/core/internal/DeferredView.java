package dev.imaginebot.core.internal;

import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;

/**
 * The view of a job resumed after a restart, before its front-end registered: keeps the latest
 * event (the terminal one wins) and hands it to the real view once there is one.
 */
final class DeferredView implements JobView {
  final long jobId;
  final String platform;
  final String replyRef;
  private JobView target;
  private JobEvent latest;
  private boolean terminalSeen;

  DeferredView(long jobId, String platform, String replyRef) {
    this.jobId = jobId;
    this.platform = platform;
    this.replyRef = replyRef;
  }

  @Override
  public synchronized void onEvent(JobEvent event) {
    if (terminalSeen) return;
    terminalSeen = event.terminal();
    if (target != null) target.onEvent(event);
    else latest = event;
  }

  /** Attaches the real view and replays the latest event to it. */
  synchronized void attach(JobView view) {
    if (view == null || target != null) return;
    target = view;
    if (latest != null) {
      JobEvent e = latest;
      latest = null;
      view.onEvent(e);
    }
  }
}
