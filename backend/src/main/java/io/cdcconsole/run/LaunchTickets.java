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
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-use, short-lived tickets through which the launcher, inside the JobManager, fetches a
 * pipeline's resolved YAML: so that no secret is ever a program argument, which Flink keeps and
 * shows. Kept in Postgres ({@link LaunchTicketStore}), so that any replica behind the load balancer
 * serves a ticket another one issued, exactly once; the row holds neither the ticket nor the YAML
 * in clear ({@link TicketSeal}). A ticket outlives a restart until it expires.
 *
 * <p>Expired tickets are swept on a timer (by every replica, in bounded batches), and a failed
 * submission revokes its tickets, so sealed secrets do not stay in the database until the next
 * issue. Every fetch of an issued ticket writes an audit row (run, client address and the ticket's
 * fingerprint, never the ticket or the YAML); fetches of unknown tickets are logged only, so
 * guessing cannot fill the audit trail.
 */
public final class LaunchTickets implements Background {
  public static final String PATH = "/launch/";
  private static final Logger LOG = LoggerFactory.getLogger(LaunchTickets.class);
  private static final Duration LIFETIME = Duration.ofMinutes(2);
  private static final String GONE =
      "No such launch ticket: it was used already, expired, or never issued.";

  /**
   * The answer header that names every secret value in the YAML (each base64, comma-separated), so
   * that the launcher's redactor masks all of them, named secrets in harmless-looking options
   * included (security review L9). It travels with, and is no more secret than, the YAML that holds
   * the same values in plain.
   */
  public static final String REDACT_HEADER = "X-Cdc-Redact";

  private final Vertx vertx;
  private final LaunchTicketStore store;
  private final Clock clock;
  private final Duration sweepEvery;
  private final SecureRandom random = new SecureRandom();
  private long sweeper = -1;

  public LaunchTickets(Vertx vertx, Pool pool, Clock clock, Duration sweepEvery) {
    this.vertx = vertx;
    this.store = new LaunchTicketStore(pool);
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
    return Future.succeededFuture();
  }

  /**
   * A ticket for the run's YAML, stored before it is answered; the launcher gets {@code <console
   * url>/launch/<ticket>}. {@code secrets}: every secret value the YAML holds, for the launcher to
   * mask.
   */
  public Future<String> issue(long runId, String yaml, Collection<String> secrets) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    // the redact list is base64 and comma-separated: it holds no line break
    String redact =
        secrets.stream()
            .map(s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)))
            .collect(Collectors.joining(","));
    return store
        .insert(
            TicketSeal.id(ticket),
            runId,
            TicketSeal.seal(ticket, redact + "\n" + yaml),
            clock.instant().plus(LIFETIME))
        .map(
            stored -> {
              LOG.debug("Run {}: launch ticket {} issued", runId, fingerprint(ticket));
              return ticket;
            });
  }

  /** Forgets a ticket that will not be fetched (its submission failed). */
  public Future<Void> revoke(String ticket) {
    return store
        .delete(TicketSeal.id(ticket))
        .onFailure(
            err ->
                LOG.warn(
                    "Launch ticket {} not revoked ({}); it expires on its own",
                    fingerprint(ticket),
                    err.toString()));
  }

  /** How many of {@code tickets} are stored now, expired or not (for tests of the sweep). */
  Future<Integer> held(Collection<String> tickets) {
    return store.held(tickets.stream().map(TicketSeal::id).toArray(String[]::new));
  }

  Future<Integer> sweep() {
    return store
        .deleteExpired(clock.instant())
        .onFailure(err -> LOG.warn("Sweeping expired launch tickets failed: {}", err.toString()));
  }

  /** {@code audit}: the audit handler, so that a fetch is recorded once its answer is sent. */
  public void addRoutes(Router router, Handler<RoutingContext> audit) {
    router.get(PATH + ":ticket").handler(audit).handler(this::fetch);
  }

  private void fetch(RoutingContext ctx) {
    String ticket = ctx.pathParam("ticket");
    String address =
        ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    store
        .take(TicketSeal.id(ticket))
        .onFailure(ctx::fail)
        .onSuccess(
            taken -> {
              if (taken.isEmpty()) {
                LOG.info(
                    "An unknown, used or revoked launch ticket was requested from {}", address);
                ctx.fail(new NotFound(GONE));
                return;
              }
              LaunchTicketStore.Sealed t = taken.get();
              RequestContext.auditAlways(ctx);
              RequestContext.action(ctx, "run.launch-ticket");
              Audit.actorName(ctx, "launcher");
              Audit.resourceId(ctx, t.runId());
              Audit.detail(ctx, new JsonObject().put("ticket", fingerprint(ticket)));
              if (t.expiresAt().isBefore(clock.instant())) {
                ctx.fail(new NotFound(GONE));
                return;
              }
              String content;
              try {
                content = TicketSeal.open(ticket, t.sealed());
              } catch (GeneralSecurityException e) {
                // only a row not sealed with this ticket (a hash collision, a hand-made row)
                ctx.fail(new NotFound(GONE));
                return;
              }
              int eol = content.indexOf('\n');
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .putHeader(REDACT_HEADER, content.substring(0, eol))
                  .end(content.substring(eol + 1));
            });
  }

  /**
   * The first 12 hex digits of the ticket's SHA-256: names it in the audit trail and logs without
   * giving it away.
   */
  static String fingerprint(String ticket) {
    return TicketSeal.id(ticket).substring(0, 12);
  }
}
