package io.cdcconsole.health;

import io.cdcconsole.access.Role;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.run.RunState;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.Query;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /runs/{runId}/metrics}: a run's measured history since a time, with its current
 * verdict; and the {@code health} a run's details answer carries.
 */
public final class HealthRoutes {
  /** Without {@code since}: the last hour. */
  static final Duration DEFAULT_SPAN = Duration.ofHours(1);

  private final HealthService health;
  private final Clock clock;

  public HealthRoutes(HealthService health, Clock clock) {
    this.health = health;
    this.clock = clock;
  }

  public void addRoutes(ApiRouter api) {
    api.get(
        "/runs/:runId/metrics",
        Role.VIEWER,
        ctx -> {
          long runId = Query.id(ctx, "runId", "run");
          Instant since = Query.instant(ctx, "since").orElse(clock.instant().minus(DEFAULT_SPAN));
          long limit = Query.longValue(ctx, "limit").orElse((long) HealthService.MAX_POINTS);
          if (limit < 1 || limit > HealthService.MAX_POINTS) {
            throw ValidationFailed.of("limit", "must be from 1 to " + HealthService.MAX_POINTS);
          }
          ApiRouter.respond(ctx, health.metrics(runId, since, (int) limit).map(RunMetrics::toJson));
        });
  }

  /** A run answer with its {@code health} (null when not RUNNING or not measured yet). */
  public Future<JsonObject> decorate(JsonObject runAnswer) {
    return health
        .current(runAnswer.getLong("id"), RunState.valueOf(runAnswer.getString("state")))
        .map(
            current ->
                runAnswer.put("health", current.map(HealthStore.Current::toJson).orElse(null)));
  }
}
