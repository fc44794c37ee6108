package dev.imaginebot.core.store;

import java.time.Duration;

/**
 * What one user has done.
 *
 * @param jobs jobs requested
 * @param succeeded of those, succeeded
 * @param failed of those, failed
 * @param images images produced
 * @param averageWait mean time from request to first submission, over jobs that started; zero when
 *     none did
 */
public record UserStats(
    long jobs, long succeeded, long failed, long images, Duration averageWait) {}
