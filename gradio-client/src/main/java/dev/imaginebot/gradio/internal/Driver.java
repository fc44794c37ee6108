package dev.imaginebot.gradio.internal;

import java.util.List;

/**
 * How a job travels to the app and how its messages come back: one implementation per queue flow
 * (the 3.x websocket, the 4.0–4.8 per-job SSE stream, the shared session stream of 4.9+, and the
 * non-queued call). {@code Connection#driverFor} picks one by the app's {@link Protocol}.
 */
interface Driver {
  /**
   * Sends the job and routes its messages to it from then on; called once per job, on a worker
   * thread, after {@link JobImpl#driver} named this driver.
   *
   * @param data the job's input, one slot per dependency input, files already prepared
   * @param model the config and API the job's endpoint was resolved against
   */
  void start(JobImpl job, List<Object> data, AppModel model);

  /** Asks the server to stop the job; called at most once, off the caller's thread. */
  void cancel(JobImpl job);

  /** The client gave up on the job (timeout, shutdown): stop routing to it. */
  void abandon(JobImpl job);
}
