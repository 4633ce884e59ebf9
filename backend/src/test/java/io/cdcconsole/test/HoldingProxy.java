package io.cdcconsole.test;

import static io.cdcconsole.test.Eventually.eventually;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server (a Flink sandbox's REST API) that notes
 * every call it gets ({@link #sent()}) and can hold chosen calls: a held request is never forwarded
 * nor answered (the server never hears of it); a held answer is forwarded and never answered (the
 * server acted, the caller never hears it). So a test can stop or kill a console at the moment that
 * matters without a hook in the console.
 */
public final class HoldingProxy implements AutoCloseable {
  private final HttpServer server;

  /** Null when the caller's. */
  private final Vertx vertx;

  private final WebClient client;
  private final List<String> held = new ArrayList<>();
  private final List<Sent> sent = new ArrayList<>();
  private volatile BiPredicate<HttpMethod, String> holdRequests = (m, p) -> false;
  private volatile BiPredicate<HttpMethod, String> holdAnswers = (m, p) -> false;

  /** A proxy on a Vert.x of its own, closed with it. */
  public HoldingProxy(String targetUrl) throws Exception {
    this(Vertx.vertx(), targetUrl, true);
  }

  public HoldingProxy(Vertx vertx, String targetUrl) throws Exception {
    this(vertx, targetUrl, false);
  }

  private HoldingProxy(Vertx vertx, String targetUrl, boolean ownVertx) throws Exception {
    this.vertx = ownVertx ? vertx : null;
    client = WebClient.create(vertx);
    server =
        TestConsole.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                body -> {
                                  synchronized (sent) {
                                    sent.add(
                                        new Sent(req.method().name(), req.path(), req.query()));
                                  }
                                  if (holdRequests.test(req.method(), req.path())) {
                                    note(req.path());
                                    return; // never answered, never forwarded
                                  }
                                  boolean holdAnswer = holdAnswers.test(req.method(), req.path());
                                  var forward =
                                      client.requestAbs(req.method(), targetUrl + req.uri());
                                  req.headers()
                                      .forEach(
                                          (k, v) -> {
                                            if (!k.equalsIgnoreCase("host")
                                                && !k.equalsIgnoreCase("content-length")) {
                                              forward.putHeader(k, v);
                                            }
                                          });
                                  forward
                                      .sendBuffer(body)
                                      .onComplete(
                                          ar -> {
                                            if (holdAnswer) {
                                              note(req.path());
                                              return; // the server acted; the caller never hears
                                            }
                                            if (ar.failed()) {
                                              req.response().setStatusCode(502).end();
                                              return;
                                            }
                                            req.response().setStatusCode(ar.result().statusCode());
                                            String type = ar.result().getHeader("Content-Type");
                                            if (type != null) {
                                              req.response().putHeader("Content-Type", type);
                                            }
                                            Buffer answer = ar.result().bodyAsBuffer();
                                            req.response()
                                                .end(answer == null ? Buffer.buffer() : answer);
                                          });
                                }))
                .listen(0, "127.0.0.1"));
  }

  /** A call as the proxy got it: "GET", "/jobs/overview", the query string or null. */
  public record Sent(String method, String path, String query) {
    /** "GET /jobs/overview". */
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** Every call the proxy got so far, in order (held ones too). */
  public List<Sent> sent() {
    synchronized (sent) {
      return List.copyOf(sent);
    }
  }

  /** How many calls so far were {@code call} ("GET /jobs/overview"). */
  public long count(String call) {
    return sent().stream().filter(s -> s.toString().equals(call)).count();
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Calls matching this are held before the server gets them (and every other call forwarded). */
  public void holdRequests(BiPredicate<HttpMethod, String> which) {
    holdAnswers = (m, p) -> false;
    holdRequests = which;
  }

  /** Calls matching this reach the server; their answers are held (every other call forwarded). */
  public void holdAnswers(BiPredicate<HttpMethod, String> which) {
    holdRequests = (m, p) -> false;
    holdAnswers = which;
  }

  /** Every call forwarded and answered again. */
  public void forward() {
    holdRequests = (m, p) -> false;
    holdAnswers = (m, p) -> false;
  }

  /** Until a call was held since the last wait. */
  public void awaitHeld() throws Exception {
    eventually(
        () -> {
          synchronized (held) {
            boolean any = !held.isEmpty();
            held.clear();
            return any;
          }
        },
        any -> any);
  }

  private void note(String path) {
    synchronized (held) {
      held.add(path);
    }
  }

  @Override
  public void close() throws Exception {
    TestConsole.await(server.close());
    client.close();
    if (vertx != null) {
      TestConsole.await(vertx.close());
    }
  }
}
