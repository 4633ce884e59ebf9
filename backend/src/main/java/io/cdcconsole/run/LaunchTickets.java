package io.cdcconsole.run;

import io.cdcconsole.access.RequestContext;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-use, short-lived tickets through which the launcher, inside the JobManager, fetches a
 * pipeline's resolved YAML: so that no secret is ever a program argument, which Flink keeps and
 * shows. Kept in memory only: a ticket outlives neither its first use nor a restart, and a
 * submission after a restart issues a new one.
 *
 * <p>Expired tickets are swept on a timer, and a failed submission revokes its tickets, so resolved
 * secrets do not stay in the heap until the next issue. Every fetch of an issued ticket writes an
 * audit row (run, client address and the ticket's fingerprint, never the ticket or the YAML);
 * fetches of unknown tickets are logged only, so guessing cannot fill the audit trail.
 */
public final class LaunchTickets implements Background {
  public static final String PATH = "/launch/";
  private static final Logger LOG = LoggerFactory.getLogger(LaunchTickets.class);
  private static final Duration LIFETIME = Duration.ofMinutes(2);

  /**
   * The answer header that names every secret value in the YAML (each base64, comma-separated), so
   * that the launcher's redactor masks all of them, named secrets in harmless-looking options
   * included (security review L9). It travels with, and is no more secret than, the YAML that holds
   * the same values in plain.
   */
  public static final String REDACT_HEADER = "X-Cdc-Redact";

  private record Ticket(long runId, String yaml, String redact, Instant expires) {}

  private final Vertx vertx;
  private final Clock clock;
  private final Duration sweepEvery;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
  private long sweeper = -1;

  public LaunchTickets(Vertx vertx, Clock clock, Duration sweepEvery) {
    this.vertx = vertx;
    this.clock = clock;
    this.sweepEvery = sweepEvery;
  }

  @Override
  public Future<Void> start() {
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(sweepEvery.toMillis(), id -> sweep());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
    tickets.clear();
    return Future.succeededFuture();
  }

  /**
   * A ticket for the run's YAML; the launcher gets {@code <console url>/launch/<ticket>}. {@code
   * secrets}: every secret value the YAML holds, for the launcher to mask.
   */
  public String issue(long runId, String yaml, Collection<String> secrets) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String redact =
        secrets.stream()
            .map(s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)))
            .collect(Collectors.joining(","));
    tickets.put(ticket, new Ticket(runId, yaml, redact, clock.instant().plus(LIFETIME)));
    LOG.debug("Run {}: launch ticket {} issued", runId, fingerprint(ticket));
    return ticket;
  }

  /** Forgets a ticket that will not be fetched (its submission failed). */
  public void revoke(String ticket) {
    tickets.remove(ticket);
  }

  /** Tickets held now, expired or not (for tests of the sweep). */
  int held() {
    return tickets.size();
  }

  void sweep() {
    Instant now = clock.instant();
    tickets.values().removeIf(t -> t.expires().isBefore(now));
  }

  /** {@code audit}: the audit handler, so that a fetch is recorded once its answer is sent. */
  public void addRoutes(Router router, Handler<RoutingContext> audit) {
    router
        .get(PATH + ":ticket")
        .handler(audit)
        .handler(
            ctx -> {
              String ticket = ctx.pathParam("ticket");
              Ticket t = tickets.remove(ticket);
              String address =
                  ctx.request().remoteAddress() == null
                      ? "?"
                      : ctx.request().remoteAddress().hostAddress();
              if (t == null) {
                LOG.info(
                    "An unknown, used or revoked launch ticket was requested from {}", address);
                ctx.fail(
                    new NotFound(
                        "No such launch ticket: it was used already, expired, or never issued."));
                return;
              }
              RequestContext.auditAlways(ctx);
              RequestContext.action(ctx, "run.launch-ticket");
              Audit.actorName(ctx, "launcher");
              Audit.resourceId(ctx, t.runId());
              Audit.detail(ctx, new JsonObject().put("ticket", fingerprint(ticket)));
              if (t.expires().isBefore(clock.instant())) {
                ctx.fail(
                    new NotFound(
                        "No such launch ticket: it was used already, expired, or never issued."));
                return;
              }
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .putHeader(REDACT_HEADER, t.redact())
                  .end(t.yaml());
            });
  }

  /**
   * The first 12 hex digits of the ticket's SHA-256: names it in the audit trail and logs without
   * giving it away.
   */
  static String fingerprint(String ticket) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
