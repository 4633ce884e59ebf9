package io.cdcconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.RunEvents;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A console stopped leaves nothing running on its Vert.x: no timer of its loops (watchers,
 * outboxes, sweepers, the Flink clients' pools) and no event-bus consumer; started again on the
 * same Vert.x it listens exactly as often as the first time (TriggerService once listened twice).
 *
 * <p>Both are read from Vert.x itself, not from the console's bookkeeping: consumers through the
 * event-bus metrics SPI (every registration and unregistration of a handler), timers by their ids,
 * which Vert.x hands out in sequence: every id between two probe timers set before the start and
 * after the stop belongs to the console, and {@code cancelTimer} answers true only for one still
 * pending.
 */
class ConsoleLifecycleTest {
  /** Live event-bus handlers per address, as Vert.x reports them. */
  private final Map<String, AtomicInteger> handlers = new ConcurrentHashMap<>();

  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      TestConsole.await(vertx.close());
    }
  }

  private Vertx countingVertx() {
    VertxMetrics metrics =
        new VertxMetrics() {
          @Override
          public EventBusMetrics<String> createEventBusMetrics() {
            return new EventBusMetrics<>() {
              @Override
              public String handlerRegistered(String address) {
                handlers.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
                return address;
              }

              @Override
              public void handlerUnregistered(String address) {
                handlers.get(address).decrementAndGet();
              }
            };
          }
        };
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MetricsOptions().setEnabled(true)))
        .withMetrics(options -> metrics)
        .build();
  }

  private Map<String, Integer> liveHandlers() {
    Map<String, Integer> live = new TreeMap<>();
    handlers.forEach(
        (address, count) -> {
          if (count.get() != 0) {
            live.put(address, count.get());
          }
        });
    return live;
  }

  /** The console's timers still pending among those set after {@code probe}; cancels them. */
  private List<Long> pendingTimersSince(long probe) {
    long now = vertx.setTimer(60_000, id -> {});
    vertx.cancelTimer(now);
    List<Long> pending = new ArrayList<>();
    LongStream.range(probe + 1, now).filter(vertx::cancelTimer).forEach(pending::add);
    assertTrue(now - probe > 5, "the console set timers while it ran: ids " + probe + ".." + now);
    return pending;
  }

  @Test
  void aStoppedConsoleLeavesNoTimerNorConsumerAndAStartedAgainOneListensOnce() throws Exception {
    vertx = countingVertx();
    long probe = vertx.setTimer(60_000, id -> {});
    vertx.cancelTimer(probe);

    Map<String, String> env = TestConsole.defaultEnv();
    TestConsole console = TestConsole.start(vertx, env);
    // a cluster that does not answer: the health watcher builds (and must close) a Flink client
    Http.Response created =
        console
            .http()
            .post(
                "/api/v1/clusters",
                console.adminToken(),
                new JsonObject()
                    .put("name", "nowhere")
                    .put("restUrl", "http://127.0.0.1:" + closedPort())
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, created.status(), created.body());
    Map<String, Integer> firstRun = liveHandlers();
    // the outboxes, alerts, metrics and list totals all hear run transitions
    assertTrue(
        firstRun.getOrDefault(RunEvents.ADDRESS, 0) >= 3,
        "listeners of run transitions while running: " + firstRun);

    console.close();
    assertEquals(Map.of(), liveHandlers(), "event-bus consumers left after stop");
    assertEquals(List.of(), pendingTimersSince(probe), "timers left after stop");

    long secondProbe = vertx.setTimer(60_000, id -> {});
    vertx.cancelTimer(secondProbe);
    TestConsole again = TestConsole.start(vertx, env);
    assertEquals(firstRun, liveHandlers(), "listeners after a start on the same Vert.x");
    again.close();
    assertEquals(Map.of(), liveHandlers(), "event-bus consumers left after the second stop");
    assertEquals(List.of(), pendingTimersSince(secondProbe), "timers left after the second stop");
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
