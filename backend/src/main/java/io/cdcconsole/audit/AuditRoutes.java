package io.cdcconsole.audit;

import io.cdcconsole.access.Role;
import io.cdcconsole.error.BadRequest;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.Query;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /audit} for admins, with filters and paging, and {@code GET /audit/export}: the same
 * rows as CSV.
 */
public final class AuditRoutes {
  private static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");

  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);

  /** The most rows one export carries. */
  public static final long MAX_EXPORT_ROWS = 100_000;

  private static final int EXPORT_BATCH = 1_000;

  private final AuditStore store;
  private final Clock clock;

  public AuditRoutes(AuditStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/audit", Role.ADMIN, this::list);
    api.get("/audit/export", Role.ADMIN, this::export);
  }

  private void list(RoutingContext ctx) {
    ApiRouter.respond(
        ctx, store.find(query(ctx), Query.page(ctx)).map(page -> page.toJson(AuditEvent::toJson)));
  }

  /**
   * Every row the filters match, as CSV, streamed batch by batch (each batch read after the
   * previous one is written, so a slow client slows the reading). More than {@link
   * #MAX_EXPORT_ROWS} rows are refused before anything is sent: a silently cut export would pass
   * for the whole record.
   */
  private void export(RoutingContext ctx) {
    AuditQuery query = query(ctx);
    ApiRouter.reply(
        ctx,
        store.count(query),
        total -> {
          if (total > MAX_EXPORT_ROWS) {
            throw new BadRequest(
                total
                    + " audit rows match; an export takes at most "
                    + MAX_EXPORT_ROWS
                    + ". Narrow the filters (a shorter time range, an actor or an action).");
          }
          HttpServerResponse response =
              ctx.response()
                  .setChunked(true)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
                  .putHeader(
                      HttpHeaders.CONTENT_DISPOSITION,
                      "attachment; filename=\"audit-"
                          + clock
                              .instant()
                              .truncatedTo(ChronoUnit.SECONDS)
                              .toString()
                              .replace(":", "")
                          + ".csv\"")
                  .putHeader("X-Total-Count", Long.toString(total));
          response
              .write(AuditCsv.HEADER)
              .compose(v -> writeFrom(query, null, response))
              .onSuccess(v -> response.end())
              .onFailure(
                  err -> {
                    LOG.warn("Audit export ended early: {}", err.toString());
                    response.reset();
                  });
        });
  }

  private Future<Void> writeFrom(AuditQuery query, Long beforeId, HttpServerResponse response) {
    return store
        .batch(query, beforeId, EXPORT_BATCH)
        .compose(
            rows -> {
              if (rows.isEmpty()) {
                return Future.succeededFuture();
              }
              Future<Void> written = response.write(AuditCsv.rows(rows));
              return rows.size() < EXPORT_BATCH
                  ? written
                  : written.compose(
                      v -> writeFrom(query, rows.get(rows.size() - 1).id(), response));
            });
  }

  private static AuditQuery query(RoutingContext ctx) {
    var outcome = Query.string(ctx, "outcome");
    if (outcome.isPresent() && !OUTCOMES.contains(outcome.get())) {
      throw ValidationFailed.of("outcome", "must be one of success, failure, denied");
    }
    return new AuditQuery(
        Query.string(ctx, "actor"),
        Query.string(ctx, "action"),
        Query.string(ctx, "resourceType"),
        Query.string(ctx, "resourceId"),
        outcome,
        Query.instant(ctx, "since"),
        Query.instant(ctx, "until"));
  }
}
