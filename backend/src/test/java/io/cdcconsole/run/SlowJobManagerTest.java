package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JobManager that takes long to run the launcher's main (a busy one): Flink sends nothing until
 * it is done, and the console must wait for the answer, not close the quiet connection. The real
 * sandbox, behind a proxy that holds the answer to {@code POST /jars/{id}/run} for several times
 * the probe timeout.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_CLUSTER_PROBE_TIMEOUT=3s",
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms"
})
class SlowJobManagerTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();
  private static final long HOLD_MILLIS =
      10_000; // well over twice the probe timeout, the idle timeout the connections had
  private static final Vertx PROXY_VERTX = Vertx.vertx();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @AfterAll
  static void closeProxy() throws Exception {
    TestConsole.await(PROXY_VERTX.close());
  }

  @Test
  void aSubmissionWaitsForASlowJarRunAnswer() throws Exception {
    WebClient toFlink = WebClient.create(PROXY_VERTX);
    HttpServer proxy =
        PROXY_VERTX
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              var forward =
                                  toFlink.requestAbs(req.method(), FLINK.restUrl() + req.uri());
                              req.headers()
                                  .forEach(
                                      (k, v) -> {
                                        if (!k.equalsIgnoreCase("host")) {
                                          forward.putHeader(k, v);
                                        }
                                      });
                              forward
                                  .sendBuffer(body)
                                  .onComplete(
                                      ar -> {
                                        long hold =
                                            req.path().matches("/jars/[^/]+/run") ? HOLD_MILLIS : 1;
                                        PROXY_VERTX.setTimer(
                                            hold,
                                            t -> {
                                              if (ar.failed()) {
                                                req.response().setStatusCode(502).end();
                                                return;
                                              }
                                              req.response()
                                                  .setStatusCode(ar.result().statusCode())
                                                  .putHeader("Content-Type", "application/json")
                                                  .end(
                                                      ar.result().bodyAsBuffer() == null
                                                          ? Buffer.buffer()
                                                          : ar.result().bodyAsBuffer());
                                            });
                                      });
                            }));
    int port = TestConsole.await(proxy.listen(0, "127.0.0.1")).actualPort();
    long slow =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "slow")
                    .put("restUrl", "http://127.0.0.1:" + port)
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "slow-run")
                .put("clusterId", slow)
                .put("yaml", keepsRunning("slow_run")));
    assertEquals(201, created.status(), created.body());

    String location =
        http.post("/api/v1/pipelines/slow-run/runs", operator, new JsonObject()).header("Location");
    waitForState(location, "RUNNING"); // before, the quiet connection was closed: FAILED_TO_SUBMIT
    http.post("/api/v1/pipelines/slow-run/cancel", operator, null);
    waitForState(location, "CANCELED");
  }
}
