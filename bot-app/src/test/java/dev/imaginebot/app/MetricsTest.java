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
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final Metrics metrics = new Metrics();
  private final List<JobEvent> seen = new ArrayList<>();
  private final JobView view = metrics.wrap(u -> seen.add(u.event()));

  /** The event as the core would hand it to a view (the text does not matter here). */
  private void show(JobEvent event) {
    view.onUpdate(new JobUpdate(event, "en", "", "", List.of(), List.of(), null, null));
  }

  @Test
  void eventsBecomeStateGaugesCountersAndLatency() {
    show(new JobEvent.Accepted(1, 0, "flux"));
    show(new JobEvent.Accepted(2, 1, "flux"));
    show(new JobEvent.Accepted(3, 2, "mj"));
    show(new JobEvent.Progress(1, 2, 4, 0.5));
    assertThat(metrics.queueLength()).isEqualTo(2);

    show(new JobEvent.Completed(1, "fox", "flux", 7L, Duration.ofSeconds(8), List.of()));
    show(new JobEvent.Failed(2, ErrorCode.QUOTA_EXCEEDED, "quota", Optional.empty()));

    String text = metrics.scrape();
    assertThat(text)
        .contains("imaginebot_jobs{state=\"queued\"} 1")
        .contains("imaginebot_jobs{state=\"running\"} 0")
        .contains("imaginebot_queue_length 1")
        .contains("imaginebot_jobs_finished_total{state=\"succeeded\"} 1")
        .contains("imaginebot_jobs_finished_total{state=\"failed\"} 1")
        .contains("imaginebot_failures_total{code=\"QUOTA_EXCEEDED\"} 1")
        .contains("imaginebot_job_duration_seconds_bucket{model=\"flux\",le=\"5.000\"} 0")
        .contains("imaginebot_job_duration_seconds_bucket{model=\"flux\",le=\"10.000\"} 1")
        .contains("imaginebot_job_duration_seconds_count{model=\"flux\"} 1");
    assertThat(seen).hasSize(6);
  }
}
