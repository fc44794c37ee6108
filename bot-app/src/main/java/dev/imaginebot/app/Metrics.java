package dev.imaginebot.app;

import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.PlatformLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job metrics measured from the events the front-ends receive, plus the JVM's, in a Micrometer
 * registry exposed in the Prometheus text format ({@link #scrape}). Every meter carries an {@code
 * instance} tag naming this bot instance, so the instances sharing a database can be told apart.
 * Thread-safe; closed by the app at shutdown.
 */
final class Metrics implements AutoCloseable {
  /** The job duration histogram's buckets. */
  static final Duration[] BUCKETS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(20),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(120),
    Duration.ofSeconds(300),
    Duration.ofSeconds(600)
  };

  private static final String[] ACTIVE_STATES = {"queued", "waking", "space_queued", "running"};

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<Long, String> activeState = new ConcurrentHashMap<>();

  /** Metrics of the instance named {@code instance} (see {@link #defaultInstance}). */
  Metrics(String instance) {
    Objects.requireNonNull(instance, "instance == null");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("instance", instance);
    Gauge.builder("imaginebot.up", () -> 1).description("1 while the bot runs").register(registry);
    for (String state : ACTIVE_STATES) {
      Gauge.builder("imaginebot.jobs", activeState, m -> count(m, state))
          .description("jobs not finished, by state")
          .tag("state", state)
          .register(registry);
    }
    Gauge.builder("imaginebot.queue.length", this, Metrics::queueLength)
        .description("jobs waiting in the bot's own queue")
        .register(registry);
    // What Micrometer measures for free: memory, GC, threads, classes, CPU, uptime.
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * The instance name when the config names none: the host name (a container's own), else the
   * {@code HOSTNAME} variable, else {@code "imagine-bot"}.
   */
  static String defaultInstance() {
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (host != null && !host.isBlank()) return host;
    } catch (UnknownHostException e) {
      // A host without a resolvable name of its own: fall through.
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "imagine-bot" : env;
  }

  /** The registry, for binding more meters (pools, HTTP clients). */
  MeterRegistry registry() {
    return registry;
  }

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
      Counter.builder("imaginebot.failures")
          .description("failed jobs and requests, by error code")
          .tag("code", failed.code().name())
          .register(registry)
          .increment();
    }
    if (event.jobId() == 0) return;
    if (event.terminal()) {
      activeState.remove(event.jobId());
      Counter.builder("imaginebot.jobs.finished")
          .description("finished jobs, by final state")
          .tag("state", terminalState(event))
          .register(registry)
          .increment();
      if (event instanceof JobEvent.Completed) {
        JobEvent.Completed done = (JobEvent.Completed) event;
        Timer.builder("imaginebot.job.duration")
            .description("time from submission to images, by model")
            .tag("model", done.model())
            .serviceLevelObjectives(BUCKETS)
            .register(registry)
            .record(done.elapsed());
        Counter.builder("imaginebot.images")
            .description("images delivered")
            .register(registry)
            .increment(done.images().size());
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

  private static double count(Map<Long, String> states, String state) {
    return states.values().stream().filter(state::equals).count();
  }

  /** Jobs seen but not finished, waiting in the bot's own queue. */
  long queueLength() {
    return activeState.values().stream().filter("queued"::equals).count();
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
