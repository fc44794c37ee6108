package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final Metrics metrics = new Metrics("bot-1");
  private final List<JobEvent> seen = new ArrayList<>();
  private final JobView view = metrics.wrap(u -> seen.add(u.event()));

  /** The event as the core would hand it to a view (the text does not matter here). */
  private void show(JobEvent event) {
    view.onUpdate(new JobUpdate(event, "en", "", "", List.of(), List.of(), null, null));
  }

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void eventsBecomeStateGaugesCountersAndLatencyTaggedWithTheInstance() {
    show(new JobEvent.Accepted(1, 0, "flux"));
    show(new JobEvent.Accepted(2, 1, "flux"));
    show(new JobEvent.Accepted(3, 2, "mj"));
    show(new JobEvent.Progress(1, 2, 4, 0.5));
    assertThat(metrics.queueLength()).isEqualTo(2);

    show(new JobEvent.Completed(1, "fox", "flux", 7L, Duration.ofSeconds(8), List.of()));
    show(new JobEvent.Failed(2, ErrorCode.QUOTA_EXCEEDED, "quota", Optional.empty()));

    String text = metrics.scrape();
    assertThat(text)
        .contains("imaginebot_up{instance=\"bot-1\"} 1.0")
        .contains("imaginebot_jobs{instance=\"bot-1\",state=\"queued\"} 1.0")
        .contains("imaginebot_jobs{instance=\"bot-1\",state=\"running\"} 0.0")
        .contains("imaginebot_queue_length{instance=\"bot-1\"} 1.0")
        .contains("imaginebot_jobs_finished_total{instance=\"bot-1\",state=\"succeeded\"} 1.0")
        .contains("imaginebot_jobs_finished_total{instance=\"bot-1\",state=\"failed\"} 1.0")
        .contains("imaginebot_failures_total{code=\"QUOTA_EXCEEDED\",instance=\"bot-1\"} 1.0")
        .contains(
            "imaginebot_job_duration_seconds_bucket{instance=\"bot-1\",model=\"flux\",le=\"5.0\"} 0\n")
        .contains(
            "imaginebot_job_duration_seconds_bucket{instance=\"bot-1\",model=\"flux\",le=\"10.0\"} 1\n")
        .contains("imaginebot_job_duration_seconds_count{instance=\"bot-1\",model=\"flux\"} 1\n")
        .contains("imaginebot_job_duration_seconds_sum{instance=\"bot-1\",model=\"flux\"} 8.0");
    assertThat(seen).hasSize(6);
  }

  @Test
  void theJvmIsMeasuredForFreeUnderTheSameInstance() {
    assertThat(metrics.scrape())
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_threads_live_threads{instance=\"bot-1\"}")
        .contains("process_uptime_seconds{instance=\"bot-1\"}");
  }

  @Test
  void everyLineOfTheExpositionCarriesTheInstance() {
    show(new JobEvent.Accepted(1, 0, "flux"));
    for (String line : metrics.scrape().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      assertThat(line).contains("instance=\"bot-1\"");
    }
  }
}
