package io.cdcconsole.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The history in Postgres: points kept, thinned after a day, gone after the retention; answered
 * oldest first.
 */
class HealthHistoryTest extends ConsoleTest {

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static HealthSample point(Instant at, long recordsOut) {
    return new HealthSample(
        at,
        100L,
        120L,
        0L,
        1.0,
        1.0,
        recordsOut,
        null,
        0L,
        1L,
        at,
        50L,
        1024L,
        1L,
        0L,
        0L,
        null,
        0,
        List.of("snapshotProgress"),
        false);
  }

  @Test
  void oldPointsAreThinnedThenForgottenAndTheRestAnsweredInOrder() throws Exception {
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "nowhere")
                .put("restUrl", "http://127.0.0.1:9")
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    Http.Response pipeline =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", "history")
                .put("clusterId", cluster.json().getLong("id"))
                .put(
                    "yaml",
                    "source:\n  type: values\nsink:\n  type: values\npipeline:\n  parallelism: 1\n"));
    assertEquals(201, pipeline.status(), pipeline.body());
    // a run to hang points on, as the run package would have written it (ended: the watcher leaves
    // it alone)
    var pool = console.app().database().pool();
    long runId =
        await(
                pool.preparedQuery(
                        "insert into pipeline_run (pipeline_id, pipeline_version, cluster_id, job_id, "
                            + "state) values ($1, 1, $2, $3, 'CANCELED') returning id")
                    .execute(
                        Tuple.of(
                            pipeline.json().getLong("id"),
                            cluster.json().getLong("id"),
                            "ab".repeat(16))))
            .iterator()
            .next()
            .getLong("id");

    // the samples are written under the cluster's lease: the test holds it for the hour
    long clusterId = cluster.json().getLong("id");
    long fencing =
        await(
                pool.preparedQuery(
                        "insert into cluster_lease (cluster_id, claimed_by, lease_until) "
                            + "values ($1, 'health-history-test', now() + interval '1 hour') "
                            + "on conflict (cluster_id) do update set claimed_by = excluded.claimed_by, "
                            + "lease_until = excluded.lease_until, fencing = cluster_lease.fencing + 1 "
                            + "returning fencing")
                    .execute(Tuple.of(clusterId)))
            .iterator()
            .next()
            .getLong("fencing");
    ClusterLease lease = new ClusterLease(clusterId, "health-history-test", fencing);
    HealthStore store = new HealthStore(pool);
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    HealthVerdict verdict = new HealthVerdict(HealthStatus.HEALTHY, "lag 120 ms");
    await(store.record(runId, lease, point(now.minus(Duration.ofDays(8)), 1), verdict));
    // two days ago: 40 points 30 s apart, 20 minutes, so two 10-minute buckets
    Instant old = now.minus(Duration.ofDays(2));
    for (int i = 0; i < 40; i++) {
      await(store.record(runId, lease, point(old.plusSeconds(30L * i), 100 + i), verdict));
    }
    for (int i = 0; i < 5; i++) {
      await(store.record(runId, lease, point(now.minusSeconds(30L * (5 - i)), 1000 + i), verdict));
    }

    int gone = await(store.prune(now, Duration.ofDays(7)));
    assertEquals(
        1 + 38, gone, "the 8-day-old point, and all but one per 10 minutes of the 2-day-old ones");
    List<HealthSample> kept = await(store.history(runId, Instant.EPOCH, 1000));
    assertEquals(
        List.of(100L, 120L, 1000L, 1001L, 1002L, 1003L, 1004L),
        kept.stream().map(HealthSample::recordsOut).toList());
    assertEquals(0, await(store.prune(now, Duration.ofDays(7))), "pruning again changes nothing");

    // the newest ones when a limit cuts, still oldest first; and as the API answers them
    assertEquals(
        List.of(1003L, 1004L),
        await(store.history(runId, Instant.EPOCH, 2)).stream()
            .map(HealthSample::recordsOut)
            .toList());
    JsonObject answer =
        http.get(
                "/api/v1/runs/" + runId + "/metrics?since=" + now.minus(Duration.ofHours(1)), admin)
            .json();
    assertEquals(5, answer.getJsonArray("items").size(), answer.encodePrettily());
    assertTrue(
        answer
            .getJsonArray("items")
            .getJsonObject(0)
            .getJsonArray("notReported")
            .contains("snapshotProgress"));
    assertEquals(
        null, answer.getValue("health"), "a run that is not RUNNING has no current verdict");
  }
}
