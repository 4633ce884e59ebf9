package io.cdcconsole.ds;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Triggers back into DolphinScheduler against a small stand-in DS API server (no DS runs here): the
 * request matches the DS OpenAPI of each version, and a 500 is retried until DS answers code 0,
 * then recorded as delivered.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_DS_RETRY_BACKOFF=200ms"
})
class DsTriggerTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  record Call(String path, String token, MultiMap form) {}

  private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
  private static final AtomicInteger FAIL_FIRST = new AtomicInteger();
  private static Vertx vertx;
  private static int dsPort;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @BeforeAll
  static void standInDolphinScheduler() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  req.setExpectMultipart(true);
                  req.endHandler(
                      v -> {
                        CALLS.add(
                            new Call(
                                req.path(),
                                req.getHeader("token"),
                                MultiMap.caseInsensitiveMultiMap().addAll(req.formAttributes())));
                        if (FAIL_FIRST.getAndDecrement() > 0) {
                          req.response()
                              .setStatusCode(500)
                              .end("{\"code\":10000,\"msg\":\"internal\"}");
                        } else {
                          req.response()
                              .putHeader("Content-Type", "application/json")
                              .end(
                                  new JsonObject()
                                      .put("code", 0)
                                      .put("msg", "success")
                                      .put("data", new JsonArray().add(4242))
                                      .encode());
                        }
                      });
                });
    dsPort = TestConsole.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void stopStandIn() throws Exception {
    TestConsole.await(vertx.close());
  }

  @Test
  void aFinishedRunStartsTheWorkflowOnDs33AfterARetry() throws Exception {
    String dsToken = "ds-access-token-33";
    Http.Response connection =
        http.post(
            "/api/v1/ds-connections",
            admin,
            new JsonObject()
                .put("name", "ds33")
                .put("url", "http://127.0.0.1:" + dsPort)
                .put("version", "3.3")
                .put("token", dsToken));
    assertEquals(201, connection.status(), connection.body());
    assertFalse(connection.body().contains(dsToken), "the DS token is never shown");
    assertEquals(
        403,
        http.post(
                "/api/v1/ds-connections",
                operator,
                new JsonObject()
                    .put("name", "x")
                    .put("url", "http://127.0.0.1:1")
                    .put("version", "3.3")
                    .put("token", "t"))
            .status());

    pipeline("feeds-ds", bounded("feeds_ds"));
    Http.Response trigger =
        http.post(
            "/api/v1/pipelines/feeds-ds/triggers",
            operator,
            new JsonObject()
                .put("connection", "ds33")
                .put("onState", "FINISHED")
                .put("projectCode", "1001")
                .put("workflowCode", "2002"));
    assertEquals(201, trigger.status(), trigger.body());
    assertEquals(
        400,
        http.post(
                "/api/v1/pipelines/feeds-ds/triggers",
                operator,
                new JsonObject()
                    .put("connection", "ds33")
                    .put("onState", "DONE")
                    .put("projectCode", "1")
                    .put("workflowCode", "2"))
            .status());

    CALLS.clear();
    FAIL_FIRST.set(1);
    String location =
        http.post("/api/v1/pipelines/feeds-ds/runs", operator, new JsonObject()).header("Location");
    waitForState(location, "FINISHED");
    JsonObject delivery = waitForDelivery("feeds-ds");
    assertEquals("DELIVERED", delivery.getString("status"), delivery.encodePrettily());
    assertEquals(2, delivery.getInteger("attempts"), "a 500 first, then delivered");
    assertEquals(
        new JsonObject()
            .put("code", 0)
            .put("msg", "success")
            .put("data", new JsonArray().add(4242)),
        delivery.getJsonObject("response"),
        "DS's answer as it came");

    assertEquals(2, CALLS.size(), CALLS.toString());
    Call call = CALLS.get(1);
    assertEquals("/dolphinscheduler/projects/1001/executors/start-workflow-instance", call.path());
    assertEquals(dsToken, call.token());
    assertEquals("2002", call.form().get("workflowDefinitionCode"));
    assertEquals("CONTINUE", call.form().get("failureStrategy"));
    assertEquals("NONE", call.form().get("warningType"));
    assertEquals("", call.form().get("scheduleTime"), "required by 3.3 too");
    assertEquals("MEDIUM", call.form().get("workflowInstancePriority"));
  }

  @Test
  void ds32GetsItsOwnFormOfTheCall() throws Exception {
    http.post(
        "/api/v1/ds-connections",
        admin,
        new JsonObject()
            .put("name", "ds32")
            .put("url", "http://127.0.0.1:" + dsPort + "/dolphinscheduler")
            .put("version", "3.2")
            .put("token", "ds-token-32"));
    // the DS token is rotated: the mask keeps it, a new value replaces it
    JsonObject keep =
        new JsonObject()
            .put("url", "http://127.0.0.1:" + dsPort + "/dolphinscheduler")
            .put("version", "3.2")
            .put("token", "******");
    assertEquals(
        428,
        http.put("/api/v1/ds-connections/ds32", admin, keep).status(),
        "changes take the revision read");
    Http.Response kept =
        http.put(
            "/api/v1/ds-connections/ds32",
            admin,
            keep,
            http.etag("/api/v1/ds-connections/ds32", admin));
    assertEquals(200, kept.status(), kept.body());
    assertEquals(2, kept.json().getInteger("revision"));
    assertEquals("3.2", kept.json().getString("version"), "version stays DolphinScheduler's");
    assertEquals(412, http.put("/api/v1/ds-connections/ds32", admin, keep, "\"1\"").status());
    assertEquals(
        200,
        http.put(
                "/api/v1/ds-connections/ds32",
                admin,
                new JsonObject()
                    .put("url", "http://127.0.0.1:" + dsPort)
                    .put("version", "3.2")
                    .put("token", "ds-token-32-rotated"),
                "\"2\"")
            .status());
    assertEquals(
        400,
        http.put(
                "/api/v1/ds-connections/ds32",
                admin,
                new JsonObject()
                    .put("url", "not a url")
                    .put("version", "3.2")
                    .put("token", "******"),
                "\"3\"")
            .status());
    pipeline("feeds-ds32", bounded("feeds_ds32"));
    http.post(
        "/api/v1/pipelines/feeds-ds32/triggers",
        operator,
        new JsonObject()
            .put("connection", "ds32")
            .put("onState", "FINISHED")
            .put("projectCode", "31")
            .put("workflowCode", "32"));
    CALLS.clear();
    FAIL_FIRST.set(0);
    String location =
        http.post("/api/v1/pipelines/feeds-ds32/runs", operator, new JsonObject())
            .header("Location");
    waitForState(location, "FINISHED");
    assertEquals("DELIVERED", waitForDelivery("feeds-ds32").getString("status"));
    Call call =
        CALLS.stream().filter(c -> c.path().contains("/projects/31/")).findFirst().orElseThrow();
    assertEquals("/dolphinscheduler/projects/31/executors/start-process-instance", call.path());
    assertEquals("32", call.form().get("processDefinitionCode"));
    assertEquals("ds-token-32-rotated", call.token());
    assertEquals("", call.form().get("scheduleTime"));
    assertEquals("MEDIUM", call.form().get("processInstancePriority"));
  }

  @Test
  void aTriggerIsChangedToPassParamsAndARefusedDeliveryIsRetriedNow() throws Exception {
    http.post(
        "/api/v1/ds-connections",
        admin,
        new JsonObject()
            .put("name", "ds33p")
            .put("url", "http://127.0.0.1:" + dsPort)
            .put("version", "3.3")
            .put("token", "ds-token-p"));
    pipeline("feeds-dsp", bounded("feeds_dsp"));
    Http.Response created =
        http.post(
            "/api/v1/pipelines/feeds-dsp/triggers",
            operator,
            new JsonObject()
                .put("connection", "ds33p")
                .put("onState", "FINISHED")
                .put("projectCode", "41")
                .put("workflowCode", "42"));
    assertEquals(201, created.status(), created.body());
    assertEquals(
        new JsonObject(), created.json().getJsonObject("params"), "no parameters unless given");
    String path = "/api/v1/pipelines/feeds-dsp/triggers/" + created.json().getLong("id");
    JsonObject params = new JsonObject().put("bizdate", "2026-11-29").put("region", "eu west");
    JsonObject change =
        new JsonObject()
            .put("connection", "ds33p")
            .put("onState", "FINISHED")
            .put("projectCode", "41")
            .put("workflowCode", "43")
            .put("params", params);
    assertEquals(428, http.put(path, operator, change).status(), "changes take the version read");
    Http.Response changed = http.put(path, operator, change, http.etag(path, operator));
    assertEquals(200, changed.status(), changed.body());
    assertEquals("43", changed.json().getString("workflowCode"));
    assertEquals(params, changed.json().getJsonObject("params"));
    assertEquals(2, changed.json().getInteger("version"));
    assertEquals(412, http.put(path, operator, change, "\"1\"").status());
    assertEquals(
        400,
        http.put(
                path,
                operator,
                new JsonObject()
                    .put("connection", "ds33p")
                    .put("onState", "DONE")
                    .put("projectCode", "41")
                    .put("workflowCode", "43"),
                "\"2\"")
            .status());
    assertEquals(
        400,
        http.put(
                path,
                operator,
                new JsonObject()
                    .put("connection", "ds33p")
                    .put("onState", "FINISHED")
                    .put("projectCode", "41")
                    .put("workflowCode", "43")
                    .put("params", new JsonObject().put("n", 1)),
                "\"2\"")
            .status());
    assertEquals(
        404,
        http.put(
                "/api/v1/pipelines/feeds-dsp/triggers/999999",
                operator,
                new JsonObject()
                    .put("connection", "ds33p")
                    .put("onState", "FINISHED")
                    .put("projectCode", "41")
                    .put("workflowCode", "43"),
                "\"1\"")
            .status());

    CALLS.clear();
    FAIL_FIRST.set(Integer.MAX_VALUE);
    String location =
        http.post("/api/v1/pipelines/feeds-dsp/runs", operator, new JsonObject())
            .header("Location");
    waitForState(location, "FINISHED");
    JsonObject refused =
        eventually(
            () -> {
              JsonArray items =
                  http.get("/api/v1/pipelines/feeds-dsp/deliveries", operator)
                      .json()
                      .getJsonArray("items");
              return items.isEmpty() ? null : items.getJsonObject(0);
            },
            d -> d != null && d.getInteger("attempts") >= 2);
    assertEquals("PENDING", refused.getString("status"), refused.encode());
    FAIL_FIRST.set(0);
    String retry = "/api/v1/pipelines/feeds-dsp/deliveries/" + refused.getLong("id") + "/retry";
    Http.Response retried = http.post(retry, operator, new JsonObject());
    assertEquals(200, retried.status(), retried.body());
    // due now; the back-off's own next attempt may have delivered it already (the stand-in accepts
    // again)
    assertTrue(
        Set.of("PENDING", "DELIVERED").contains(retried.json().getString("status")),
        retried.body());
    JsonObject delivered = waitForDelivery("feeds-dsp");
    assertEquals("DELIVERED", delivered.getString("status"), delivered.encodePrettily());
    assertEquals(
        409,
        http.post(retry, operator, new JsonObject()).status(),
        "a second start is never made by hand");
    assertEquals(
        404,
        http.post("/api/v1/pipelines/feeds-dsp/deliveries/999999/retry", operator, new JsonObject())
            .status());
    assertEquals(
        403, http.post(retry, console.userToken("ds-viewer", "viewer"), new JsonObject()).status());

    Call call = CALLS.get(CALLS.size() - 1);
    assertEquals("43", call.form().get("workflowDefinitionCode"));
    assertEquals(
        params,
        new JsonObject(call.form().get("startParams")),
        "the parameters as DS's startParams");

    // deletes take the version read too; a connection still in use is refused
    assertEquals(428, http.delete(path, operator).status());
    assertEquals(409, http.delete("/api/v1/ds-connections/ds33p", admin, "\"1\"").status());
    assertEquals(204, http.delete(path, operator, "\"2\"").status());
    assertEquals(412, http.delete("/api/v1/ds-connections/ds33p", admin, "\"5\"").status());
    assertEquals(204, http.delete("/api/v1/ds-connections/ds33p", admin, "\"1\"").status());
  }

  /** The newest delivery of the pipeline once it is settled (no longer PENDING). */
  private JsonObject waitForDelivery(String pipeline) throws Exception {
    return eventually(
        () -> {
          JsonArray items =
              http.get("/api/v1/pipelines/" + pipeline + "/deliveries", operator)
                  .json()
                  .getJsonArray("items");
          return items.isEmpty() ? null : items.getJsonObject(0);
        },
        last -> last != null && !"PENDING".equals(last.getString("status")));
  }
}
