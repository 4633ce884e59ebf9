package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.audit.Audit;
import io.cdcconsole.audit.AuditStore;
import io.cdcconsole.audit.DeniedAudit;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.FakeClock;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.cdcconsole.web.FailureHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Launch tickets (security review L8): every fetch of an issued ticket leaves an audit row naming
 * the run, the launcher's address and the ticket's fingerprint (never the ticket, never the YAML);
 * expired tickets leave the database on a timer, without waiting for the next issue; a revoked
 * ticket cannot be fetched; of parallel fetches of one ticket exactly one gets it. The tickets are
 * served by their own router here, with the real audit writing into the console's database, which
 * the console's API then reads.
 */
class LaunchTicketsTest extends ConsoleTest {
  private static final String YAML = "source:\n  type: mysql\n  password: Ticket-Secret-4242\n";

  @Test
  void expiredTicketsAreSweptOnATimer() throws Exception {
    // from now: the console's own sweeper, on the real clock, shares the table and must not take
    // them
    FakeClock clock = new FakeClock(java.time.Instant.now());
    LaunchTickets tickets =
        new LaunchTickets(
            console.app().vertx(), console.app().database().pool(), clock, Duration.ofMillis(100));
    tickets.start();
    try {
      java.util.List<String> issued =
          java.util.List.of(
              TestConsole.await(tickets.issue(1, YAML, java.util.Set.of())),
              TestConsole.await(tickets.issue(2, YAML, java.util.Set.of())));
      Thread.sleep(500);
      assertEquals(
          2, TestConsole.await(tickets.held(issued)), "tickets that have not expired are kept");
      clock.advance(Duration.ofMinutes(3));
      // no new ticket is issued: only the timer can take them
      eventually(
          Duration.ofSeconds(30), () -> TestConsole.await(tickets.held(issued)), held -> held == 0);
    } finally {
      tickets.stop();
    }
  }

  @Test
  void aFetchIsAuditedWithoutTheTicketAndARevokedTicketIsGone() throws Exception {
    Vertx vertx = console.app().vertx();
    LaunchTickets tickets =
        new LaunchTickets(
            vertx, console.app().database().pool(), Clock.systemUTC(), Duration.ofSeconds(30));
    Router router = Router.router(vertx);
    AuditStore auditStore = new AuditStore(console.app().database().pool());
    tickets.addRoutes(router, new Audit(auditStore, new DeniedAudit(vertx, auditStore)));
    router.route().failureHandler(new FailureHandler(1024 * 1024));
    HttpServer server =
        TestConsole.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    try {
      String base = "http://127.0.0.1:" + server.actualPort() + LaunchTickets.PATH;
      String ticket =
          TestConsole.await(
              tickets.issue(4711, YAML, java.util.List.of("Ticket-Secret-4242", "Named-Ü-1")));
      String revoked = TestConsole.await(tickets.issue(4712, YAML, java.util.Set.of()));
      TestConsole.await(tickets.revoke(revoked));

      HttpResponse<String> fetched = get(base + ticket);
      assertEquals(200, fetched.statusCode());
      assertEquals(YAML, fetched.body());
      // every secret value, for the launcher's redactor (L9)
      java.util.List<String> named =
          java.util.Arrays.stream(
                  fetched
                      .headers()
                      .firstValue(LaunchTickets.REDACT_HEADER)
                      .orElseThrow()
                      .split(","))
              .map(
                  b ->
                      new String(
                          java.util.Base64.getDecoder().decode(b),
                          java.nio.charset.StandardCharsets.UTF_8))
              .toList();
      assertEquals(java.util.List.of("Ticket-Secret-4242", "Named-Ü-1"), named);
      assertEquals(404, get(base + ticket).statusCode(), "single use");
      assertEquals(404, get(base + revoked).statusCode(), "revoked");

      JsonArray rows =
          eventually(
              () -> http.get("/api/v1/audit?action=run.launch-ticket", admin).items(),
              items -> !items.isEmpty());
      assertEquals(
          1, rows.size(), "one row for the one fetch of an issued ticket: " + rows.encode());
      JsonObject row = rows.getJsonObject(0);
      assertEquals("4711", row.getString("resourceId"));
      assertEquals("success", row.getString("outcome"));
      assertEquals("launcher", row.getString("actor"));
      assertEquals("127.0.0.1", row.getString("clientAddress"));
      assertEquals(
          LaunchTickets.fingerprint(ticket), row.getJsonObject("detail").getString("ticket"));
      String all = http.get("/api/v1/audit", admin).body();
      assertFalse(
          all.contains(ticket) || all.contains(revoked) || all.contains("Ticket-Secret-4242"), all);
      Http.Response csv = http.get("/api/v1/audit/export", admin);
      assertTrue(
          csv.body().contains("run.launch-ticket") && !csv.body().contains(ticket), csv.body());
    } finally {
      TestConsole.await(server.close());
    }
  }

  @Test
  void parallelTakesOfOneTicketGiveItToOneOnly() throws Exception {
    LaunchTicketStore store = new LaunchTicketStore(console.app().database().pool());
    for (int round = 0; round < 5; round++) {
      String id = "parallel-take-" + round;
      TestConsole.await(
          store.insert(id, 7, new byte[] {1, 2, 3}, java.time.Instant.now().plusSeconds(60)));
      java.util.List<io.vertx.core.Future<java.util.Optional<LaunchTicketStore.Sealed>>> takes =
          new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        takes.add(store.take(id));
      }
      TestConsole.await(io.vertx.core.Future.all(takes));
      assertEquals(1, takes.stream().filter(f -> f.result().isPresent()).count(), "round " + round);
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
