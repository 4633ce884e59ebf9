package io.cdcconsole.web;

import io.cdcconsole.error.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: typed {@link ApiError}s keep their status and detail; anything
 * unexpected is logged with an id and answered 500 with that id only, never a stack trace.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  private final int maxBodyBytes;

  public FailureHandler(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String requestId = RequestIds.of(ctx);
    Problem problem = toProblem(ctx, requestId);
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (ctx.request().path().startsWith(ApiRouter.PREFIX + "/ds/")) {
      // a DolphinScheduler task checks the body for the result marker: failures say so in the same words
      problem = new Problem(problem.status(), problem.title(), problem.detail(),
          problem.extensions().copy().put("result", "FAILURE").put("reason", problem.detail()));
    }
    if (problem.status() < 500) {
      LOG.atDebug().addKeyValue("requestId", requestId).log("{} {} answered {}: {}", ctx.request().method(),
          ctx.request().path(), problem.status(), problem.detail());
    }
    problem.send(ctx.response(), ctx.request().path());
  }

  /** Lost or refused database connections are an outage (503), not a bug (500). */
  private static boolean isDatabaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // Flink calls map their own connection failures to Unavailable; what is left here is the database's
      if (t instanceof ConnectException || t instanceof java.net.SocketException || t instanceof ClosedConnectionException) {
        return true;
      }
      // 08xxx: connection exceptions; 57P0x: the server is shutting down, restarting or not yet accepting
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P0"))) {
        return true;
      }
    }
    return false;
  }

  private Problem toProblem(RoutingContext ctx, String requestId) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError error) {
      return Problem.of(error);
    }
    if (failure instanceof DecodeException) {
      return Problem.of(400, "The request body is not valid JSON.");
    }
    if (isDatabaseUnreachable(failure)) {
      LOG.atWarn().addKeyValue("requestId", requestId).log("The database is not reachable: {}", failure.getMessage());
      return Problem.of(503, "The database is not reachable; try again shortly.");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    return switch (status) {
      case 400 -> Problem.of(400, "The request is malformed.");
      case 404 -> Problem.of(404, "Nothing is at " + ctx.request().path() + ".");
      case 405 -> Problem.of(405, ctx.request().method() + " is not allowed on " + ctx.request().path() + ".");
      case 413 -> Problem.of(413, "The request body is larger than the limit of " + maxBodyBytes + " bytes.");
      default -> {
        if (status >= 400 && status < 500) {
          yield Problem.of(status, "The request was refused.");
        }
        String errorId = UUID.randomUUID().toString();
        LOG.atError().addKeyValue("requestId", requestId).setCause(failure)
            .log("Internal error {} on {} {}", errorId, ctx.request().method(), ctx.request().path());
        yield Problem.of(500, "An internal error occurred; it was logged with id " + errorId + ".");
      }
    };
  }
}
