package dev.imaginebot.app;

import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.PlatformLimits;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Job metrics measured from the events the front-ends receive (the core exposes no metrics of its
 * own), written in the Prometheus text format. Thread-safe.
 */
final class Metrics {
  static final double[] BUCKETS = {1, 2, 5, 10, 20, 30, 60, 120, 300, 600};

  private final Map<Long, String> activeState = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> finished = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, Latency> latency = new ConcurrentHashMap<>();
  private final AtomicLong images = new AtomicLong();
  private final long startedNanos = System.nanoTime();

  /** A view that records {@code view}'s events before passing them on. */
  JobView wrap(JobView view) {
    if (view == null) return null;
    return new JobView() {
      @Override
      public void onUpdate(JobUpdate update) {
        record(update.event());
        view.onUpdate(update);
      }

      @Override
      public java.util.concurrent.CompletionStage<Void> deliver(JobUpdate outcome) {
        record(outcome.event());
        return view.deliver(outcome);
      }

      @Override
      public PlatformLimits limits() {
        return view.limits();
      }
    };
  }

  void record(JobEvent event) {
    if (event instanceof JobEvent.Failed) {
      JobEvent.Failed failed = (JobEvent.Failed) event;
      failures.computeIfAbsent(failed.code().name(), k -> new LongAdder()).increment();
    }
    if (event.jobId() == 0) return;
    if (event.terminal()) {
      activeState.remove(event.jobId());
      finished.computeIfAbsent(terminalState(event), k -> new LongAdder()).increment();
      if (event instanceof JobEvent.Completed) {
        JobEvent.Completed done = (JobEvent.Completed) event;
        latency.computeIfAbsent(done.model(), k -> new Latency()).observe(done.elapsed());
        images.addAndGet(done.images().size());
      }
    } else {
      activeState.put(event.jobId(), activeState(event));
    }
  }

  private static String terminalState(JobEvent event) {
    if (event instanceof JobEvent.Completed) return "succeeded";
    if (event instanceof JobEvent.Cancelled) return "cancelled";
    return "failed";
  }

  private static String activeState(JobEvent event) {
    if (event instanceof JobEvent.Accepted) return "queued";
    if (event instanceof JobEvent.Waking) return "waking";
    if (event instanceof JobEvent.SpaceQueued) return "space_queued";
    return "running";
  }

  /** Jobs seen but not finished, waiting in the bot's own queue. */
  long queueLength() {
    return activeState.values().stream().filter("queued"::equals).count();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    StringBuilder out = new StringBuilder();
    help(out, "imaginebot_up", "gauge", "1 while the bot runs");
    out.append("imaginebot_up 1\n");
    help(out, "imaginebot_uptime_seconds", "gauge", "seconds since start");
    out.append("imaginebot_uptime_seconds ")
        .append(num((System.nanoTime() - startedNanos) / 1e9))
        .append('\n');

    help(out, "imaginebot_jobs", "gauge", "jobs not finished, by state");
    Map<String, Long> byState = new TreeMap<>();
    for (String s : new String[] {"queued", "waking", "space_queued", "running"}) {
      byState.put(s, 0L);
    }
    activeState.values().forEach(s -> byState.merge(s, 1L, Long::sum));
    byState.forEach((s, n) -> line(out, "imaginebot_jobs", "state", s, n));

    help(out, "imaginebot_queue_length", "gauge", "jobs waiting in the bot's own queue");
    out.append("imaginebot_queue_length ").append(queueLength()).append('\n');

    help(out, "imaginebot_jobs_finished_total", "counter", "finished jobs, by final state");
    new TreeMap<>(finished)
        .forEach((s, n) -> line(out, "imaginebot_jobs_finished_total", "state", s, n.sum()));

    help(out, "imaginebot_failures_total", "counter", "failed jobs and requests, by error code");
    new TreeMap<>(failures)
        .forEach((c, n) -> line(out, "imaginebot_failures_total", "code", c, n.sum()));

    help(out, "imaginebot_images_total", "counter", "images delivered");
    out.append("imaginebot_images_total ").append(images.get()).append('\n');

    help(
        out,
        "imaginebot_job_duration_seconds",
        "histogram",
        "time from submission to images, by model");
    new TreeMap<>(latency).forEach((model, l) -> l.write(out, model));
    return out.toString();
  }

  private static void help(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder out, String name, String label, String value, long n) {
    out.append(name)
        .append('{')
        .append(label)
        .append("=\"")
        .append(escape(value))
        .append("\"} ")
        .append(n)
        .append('\n');
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String num(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }

  /** A histogram of one model's job durations. */
  private static final class Latency {
    private final long[] counts = new long[BUCKETS.length];
    private long count;
    private double sum;

    synchronized void observe(java.time.Duration elapsed) {
      double seconds = elapsed.toMillis() / 1000.0;
      count++;
      sum += seconds;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) counts[i]++;
      }
    }

    synchronized void write(StringBuilder out, String model) {
      String m = escape(model);
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append("imaginebot_job_duration_seconds_bucket{model=\"")
            .append(m)
            .append("\",le=\"")
            .append(num(BUCKETS[i]))
            .append("\"} ")
            .append(counts[i])
            .append('\n');
      }
      out.append("imaginebot_job_duration_seconds_bucket{model=\"")
          .append(m)
          .append("\",le=\"+Inf\"} ")
          .append(count)
          .append('\n');
      out.append("imaginebot_job_duration_seconds_sum{model=\"")
          .append(m)
          .append("\"} ")
          .append(num(sum))
          .append('\n');
      out.append("imaginebot_job_duration_seconds_count{model=\"")
          .append(m)
          .append("\"} ")
          .append(count)
          .append('\n');
    }
  }
}
