package io.cdcconsole.run;

import io.cdcconsole.error.NotFound;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use, short-lived tickets through which the launcher, inside the JobManager, fetches a pipeline's resolved
 * YAML: so that no secret is ever a program argument, which Flink keeps and shows. Kept in memory only: a ticket
 * outlives neither its first use nor a restart, and a submission after a restart issues a new one.
 */
public final class LaunchTickets {
  public static final String PATH = "/launch/";
  private static final Duration LIFETIME = Duration.ofMinutes(2);

  private record Ticket(String yaml, Instant expires) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

  public LaunchTickets(Clock clock) {
    this.clock = clock;
  }

  /** A ticket for the YAML; the launcher gets {@code <console url>/launch/<ticket>}. */
  public String issue(String yaml) {
    Instant now = clock.instant();
    tickets.values().removeIf(t -> t.expires().isBefore(now));
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    tickets.put(ticket, new Ticket(yaml, now.plus(LIFETIME)));
    return ticket;
  }

  public void addRoutes(Router router) {
    router.get(PATH + ":ticket").handler(ctx -> {
      Ticket t = tickets.remove(ctx.pathParam("ticket"));
      if (t == null || t.expires().isBefore(clock.instant())) {
        ctx.fail(new NotFound("No such launch ticket: it was used already, expired, or never issued."));
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(t.yaml());
    });
  }
}
