package io.cdcconsole.web;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder refused before any route saw them (a request line or headers beyond the
 * limits, a malformed request): the status Vert.x itself would answer, but as a problem document
 * like every other 4xx. The connection is closed after it, since the rest of the stream cannot be
 * trusted.
 */
final class InvalidRequestHandler implements Handler<HttpServerRequest> {
  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problem.of(414, "The request line (method, path and query) is too long.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.of(431, "The request headers are too large.");
    } else {
      problem = Problem.of(400, "The request is not valid HTTP/1.1.");
    }
    request
        .response()
        .putHeader("Connection", "close")
        .putHeader(RequestIds.HEADER, java.util.UUID.randomUUID().toString());
    problem.send(request.response(), null);
  }
}
