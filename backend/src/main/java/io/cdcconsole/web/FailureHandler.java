package io.cdcconsole.web;

import io.cdcconsole.error.ApiError;
import io.cdcconsole.error.ClusterUnavailable;
import io.cdcconsole.store.Sql;
import io.cdcconsole.store.StorageException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: typed {@link ApiError}s keep their status and
 * detail; anything unexpected is logged with an id and answered 500 with that id only, never a
 * stack trace.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  private final int maxBodyBytes;

  public FailureHandler(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Where a route puts its own shape for failures (e.g. DolphinScheduler's body marker) before
   * anything can fail.
   */
  public static final String SHAPE = "cdc.failure.shape";

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
    UnaryOperator<Problem> shape = ctx.get(SHAPE);
    if (shape != null) {
      problem = shape.apply(problem);
    }
    if (problem.status() == 503) {
      // an outage (database, Flink, another service): logged with the request it failed
      Throwable failure = ctx.failure();
      LOG.atWarn()
          .addKeyValue("requestId", requestId)
          .log(
              "{} {} answered 503: {} ({})",
              ctx.request().method(),
              ctx.request().path(),
              problem.detail(),
              failure == null ? "no cause" : failure.getMessage());
    } else if (problem.status() < 500) {
      LOG.atDebug()
          .addKeyValue("requestId", requestId)
          .log(
              "{} {} answered {}: {}",
              ctx.request().method(),
              ctx.request().path(),
              problem.status(),
              problem.detail());
    }
    problem.send(ctx.response(), ctx.request().path());
  }

  /**
   * What a failure means to the caller, by its type alone; empty when only the router's status
   * explains it. The database is named only for failures that can come from nowhere else (the SQL
   * client's own types, or a store's {@link StorageException.Unreachable}); a bare refused or lost
   * connection may be a Flink cluster's or DolphinScheduler's, so it is an outage of "a service",
   * never called a database outage.
   */
  static Optional<Problem> classify(Throwable failure) {
    if (failure instanceof ApiError error) {
      return Optional.of(Problem.of(error));
    }
    // before the database check: whatever closed under a Flink call, the cluster is what did not
    // answer
    if (failure instanceof ClusterUnavailable cluster) {
      return Optional.of(
          Problem.of(
              503,
              "Flink cluster '"
                  + cluster.cluster()
                  + "' did not answer ("
                  + cluster.getMessage()
                  + "); try again when it is back."));
    }
    if (failure instanceof DecodeException) {
      return Optional.of(Problem.of(400, "The request body is not valid JSON."));
    }
    if (isDatabaseUnreachable(failure)) {
      return Optional.of(Problem.of(503, "The database is not reachable; try again shortly."));
    }
    if (failure instanceof StorageException.DuplicateKey
        || failure instanceof StorageException.ForeignKey) {
      // a service names the resource; one that did not still gets a conflict, not an internal error
      return Optional.of(
          Problem.of(409, "The change conflicts with stored data; reload and try again."));
    }
    Throwable transport = transportFailure(failure);
    if (transport != null) {
      return Optional.of(
          Problem.of(
              503,
              "A service the console depends on did not answer ("
                  + transport.getClass().getSimpleName()
                  + "); try again shortly."));
    }
    return Optional.empty();
  }

  private static boolean isDatabaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StorageException.Unreachable || t instanceof ClosedConnectionException) {
        return true;
      }
      if (t instanceof PgException && Sql.translate(t) instanceof StorageException.Unreachable) {
        return true;
      }
    }
    return false;
  }

  private static Throwable transportFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof SocketException
          || t instanceof UnknownHostException
          || t instanceof HttpClosedException) {
        return t;
      }
    }
    return null;
  }

  private Problem toProblem(RoutingContext ctx, String requestId) {
    Throwable failure = ctx.failure();
    Optional<Problem> known = classify(failure);
    if (known.isPresent()) {
      return known.get();
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    return switch (status) {
      case 400 -> Problem.of(400, "The request is malformed.");
      case 404 -> Problem.of(404, "Nothing is at " + ctx.request().path() + ".");
      case 405 ->
          Problem.of(
              405, ctx.request().method() + " is not allowed on " + ctx.request().path() + ".");
      case 413 ->
          Problem.of(
              413, "The request body is larger than the limit of " + maxBodyBytes + " bytes.");
      default -> {
        if (status >= 400 && status < 500) {
          yield Problem.of(status, "The request was refused.");
        }
        String errorId = UUID.randomUUID().toString();
        LOG.atError()
            .addKeyValue("requestId", requestId)
            .setCause(failure)
            .log(
                "Internal error {} on {} {}",
                errorId,
                ctx.request().method(),
                ctx.request().path());
        yield Problem.of(500, "An internal error occurred; it was logged with id " + errorId + ".");
      }
    };
  }
}
