package io.cdcconsole.audit;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A flood of writes without credentials (each answered 401) must not starve signed-in users: the
 * denials are counted into a few rows per window, written in batches, and the count of every one of
 * them is kept.
 */
@ConsoleTest.Env({"CDC_CONSOLE_DB_POOL_SIZE=2"})
class DeniedAuditFloodTest extends ConsoleTest {
  private static final int FLOOD = 3000;
  private static final int SENDERS = 48;

  @Test
  void unauthenticatedWritesAreCountedNotWrittenOneByOneAndReadsKeepAnswering() throws Exception {
    AtomicBoolean flooding = new AtomicBoolean(true);
    List<Integer> readStatuses = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              while (flooding.get()) {
                readStatuses.add(http.get("/api/v1/me", admin).status());
              }
            },
            "authenticated-reader");
    reader.start();

    Map<Integer, AtomicInteger> floodStatuses = new ConcurrentHashMap<>();
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    List<Future<?>> sent = new ArrayList<>();
    String body =
        new JsonObject().put("name", "x").put("clusterId", 1).put("yaml", "a: b").encode();
    for (int i = 0; i < FLOOD; i++) {
      sent.add(
          senders.submit(
              () -> {
                Http.Response r = http.send("POST", "/api/v1/pipelines", null, body, null);
                floodStatuses
                    .computeIfAbsent(r.status(), s -> new AtomicInteger())
                    .incrementAndGet();
              }));
    }
    for (Future<?> f : sent) {
      f.get(5, TimeUnit.MINUTES);
    }
    senders.shutdown();
    flooding.set(false);
    reader.join(TimeUnit.MINUTES.toMillis(2));

    assertEquals(
        FLOOD,
        floodStatuses.getOrDefault(401, new AtomicInteger()).get(),
        floodStatuses.toString());
    // the signed-in user was answered all along (each read ends within the client's 30 s or the
    // test fails)
    assertTrue(readStatuses.size() > 0, "no authenticated read completed");
    assertTrue(readStatuses.stream().allMatch(s -> s == 200), "reads: " + readStatuses);

    // every denial is counted: the counts of the coalesced rows add up to the flood, in far fewer
    // rows
    JsonArray rows =
        eventually(
            () ->
                http.get("/api/v1/audit?action=pipeline.create&outcome=denied&limit=500", admin)
                    .items(),
            items -> sum(items) >= FLOOD);
    assertEquals(FLOOD, sum(rows), rows.encodePrettily());
    assertTrue(rows.size() < FLOOD / 10, rows.size() + " rows for " + FLOOD + " denials");
    JsonObject row = rows.getJsonObject(0);
    assertEquals("127.0.0.1", row.getString("clientAddress"));
    assertEquals(401, row.getInteger("status"));
    assertTrue(row.getJsonObject("detail").getBoolean("coalesced"), row.encode());
  }

  @Test
  void aDeniedSignInStillHasARowOfItsOwn() throws Exception {
    http.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("username", "mallory").put("password", "wrong-Pass-123"));
    JsonArray rows =
        eventually(
            () -> http.get("/api/v1/audit?actor=mallory&outcome=denied", admin).items(),
            items -> !items.isEmpty());
    assertEquals("session.login", rows.getJsonObject(0).getString("action"));
  }

  private static long sum(JsonArray rows) {
    return rows.stream()
        .map(JsonObject.class::cast)
        .mapToLong(
            r ->
                r.getJsonObject("detail") == null
                    ? 1
                    : r.getJsonObject("detail").getLong("count", 1L))
        .sum();
  }
}
