package io.cdcconsole.alert;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.store.Outbox;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two console replicas on one database deliver from one outbox ({@link Outbox}, issue 13): every
 * alert delivery reaches its receiver exactly once although both delivery loops run (every 200 ms
 * here) and the receiver answers each request only after 1.5 s — without the claims, the other
 * replica's loop would see the same rows due and send them again. The DolphinScheduler trigger
 * deliveries claim through the same {@link Outbox} statements.
 */
class OutboxReplicasTest {
  private static final int DELIVERIES = 24;

  private static Vertx vertxA;
  private static Vertx vertxB;
  private static TestConsole a;
  private static TestConsole b;
  @RegisterExtension static final Receiver receiver = new Receiver();
  private static Pool pool;
  private static long channelId;

  @BeforeAll
  static void startTwoReplicas() throws Exception {
    Map<String, String> env = TestConsole.defaultEnv();
    env.put("CDC_CONSOLE_ALERT_RETRY_BACKOFF", "200ms");
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    a = TestConsole.start(vertxA, env);
    b = TestConsole.start(vertxB, TestConsole.replicaEnv(env));
    pool = a.app().database().pool();
    Http.Response channel =
        a.http()
            .post(
                "/api/v1/alert-channels",
                a.adminToken(),
                new JsonObject()
                    .put("name", "outbox-hook")
                    .put("type", "webhook")
                    .put("config", new JsonObject().put("url", receiver.url("/outbox"))));
    assertEquals(201, channel.status(), channel.body());
    channelId = channel.json().getLong("id");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b}) {
      if (c != null) {
        c.close();
      }
    }
    TestConsole.await(vertxA.close());
    TestConsole.await(vertxB.close());
  }

  @Test
  void everyDeliveryReachesItsReceiverOnceWhileBothReplicasDeliver() throws Exception {
    receiver.delay("/outbox", 1500);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < DELIVERIES; i++) {
      AlertMessage message =
          new AlertMessage("TEST", "warning", "outbox", null, null, "outbox-" + i, Instant.now());
      Row row =
          TestConsole.await(
                  pool.preparedQuery(
                          "insert into alert_delivery (channel_id, event, message, status) "
                              + "values ($1, 'TEST', $2, 'PENDING') returning id")
                      .execute(Tuple.of(channelId, message.toJson())))
              .iterator()
              .next();
      ids.add(row.getLong("id"));
    }

    List<String> statuses =
        eventually(
            Duration.ofSeconds(90),
            () -> column("status", ids),
            s -> s.stream().allMatch("DELIVERED"::equals));
    assertEquals(DELIVERIES, statuses.size());
    assertTrue(
        column("attempts", ids).stream().allMatch("1"::equals), "one attempt each, by one replica");

    // a late second sender would have reached the receiver by now: the hold is minutes, its
    // answers 1.5 s
    Thread.sleep(2500);
    List<Receiver.Request> got = receiver.to("/outbox");
    Set<String> summaries = new HashSet<>();
    for (Receiver.Request r : got) {
      summaries.add(new JsonObject(r.body()).getString("summary"));
    }
    assertEquals(DELIVERIES, summaries.size(), "every message arrived: " + summaries);
    assertEquals(DELIVERIES, got.size(), "and none twice: " + summaries);
  }

  @Test
  void aResultOfAClaimThatIsNoLongerCurrentIsNotWritten() throws Exception {
    receiver.delay("/outbox", 1);
    AlertMessage message =
        new AlertMessage("TEST", "warning", "outbox", null, null, "late", Instant.now());
    long id =
        TestConsole.await(
                pool.preparedQuery(
                        "insert into alert_delivery (channel_id, event, message, status, attempts) "
                            + "values ($1, 'TEST', $2, 'DELIVERED', 1) returning id")
                    .execute(Tuple.of(channelId, message.toJson())))
            .iterator()
            .next()
            .getLong("id");
    AlertStore store = new AlertStore(pool);
    // a holder that claimed it with no attempts made, paused past its hold, and failed now
    AlertStore.Due stale = new AlertStore.Due(id, 0, null, message);
    TestConsole.await(store.failed(stale, "too late", 1000L));
    TestConsole.await(store.delivered(stale, "too late"));
    assertEquals(List.of("DELIVERED"), column("status", List.of(id)));
    assertEquals(List.of("1"), column("attempts", List.of(id)));
  }

  private static List<String> column(String name, List<Long> ids) throws Exception {
    List<String> out = new ArrayList<>();
    for (Row row :
        TestConsole.await(
            pool.preparedQuery(
                    "select "
                        + name
                        + "::text as v from alert_delivery where id = any($1) order by id")
                .execute(Tuple.tuple().addArrayOfLong(ids.toArray(new Long[0]))))) {
      out.add(row.getString("v"));
    }
    return out;
  }
}
