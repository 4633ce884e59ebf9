package io.cdcconsole.health;

import java.time.Duration;

/**
 * When a verdict turns: {@code lag} held for {@code lagPeriods} samples is LAGGING; no records and
 * no checkpoint progress for {@code stallPeriods} samples (while there is work) is STALLED; {@code
 * checkpointFailures} failed checkpoints in {@code window} with none completed since is
 * CHECKPOINT_FAILING; {@code restarts} restarts in {@code window} is FLAPPING.
 */
public record HealthThresholds(
    Duration lag,
    int lagPeriods,
    int stallPeriods,
    int checkpointFailures,
    int restarts,
    Duration window) {}
