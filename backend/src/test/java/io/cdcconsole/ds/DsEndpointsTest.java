package io.cdcconsole.ds;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.ds.DsHttpTask.Check;
import io.cdcconsole.ds.DsHttpTask.Version;
import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The /ds endpoints driven as a DolphinScheduler HTTP task drives them, against the real sandbox.
 * (Ordered: the stop with savepoint comes last, since a savepoint changes how the values test
 * source behaves in this sandbox.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DsEndpointsTest extends SandboxRunTest {
  static final String SUCCESS = "\"result\":\"SUCCESS\"";

  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  private String ds(String endpoint) {
    return "http://127.0.0.1:" + console.app().port() + "/api/v1/ds/" + endpoint;
  }

  private String token(JsonObject scope) {
    JsonObject body =
        new JsonObject().put("name", "dolphin-" + System.nanoTime()).put("role", "operator");
    if (scope != null) {
      body.put("scope", scope);
    }
    Http.Response created = http.post("/api/v1/tokens", operator, body);
    assertEquals(201, created.status(), created.body());
    return created.json().getString("token");
  }

  @Test
  @Order(1)
  void startWaitsForRunningAndADsRetryGetsTheSameRun() throws Exception {
    pipeline("ds-orders", keepsRunning("ds_orders"));
    String token = token(null);
    DsHttpTask.Result first =
        new DsHttpTask(Version.V3_3, "POST", ds("start"))
            .param("pipeline", "ds-orders")
            .param("wait", "RUNNING")
            .param("timeout", "50")
            .param("taskInstanceId", "7001")
            .param("workflowInstanceId", "88")
            .header("token", token)
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertTrue(first.success(), first.checkedBody());
    JsonObject answer = new JsonObject(first.checkedBody());
    assertEquals("RUNNING", answer.getString("state"));
    assertNotNull(answer.getString("jobId"));

    // a DS retry: a new task instance in the same workflow instance
    DsHttpTask.Result retry =
        new DsHttpTask(Version.V3_2, "POST", ds("start"))
            .param("pipeline", "ds-orders")
            .param("taskInstanceId", "7002")
            .param("workflowInstanceId", "88")
            .header("Authorization", "Bearer " + token)
            .run();
    assertTrue(retry.success(), retry.checkedBody());
    assertEquals(
        answer.getLong("runId"),
        new JsonObject(retry.checkedBody()).getLong("runId"),
        "the same run");
    JsonArray jobs = new JsonObject(flinkText("/jobs/overview")).getJsonArray("jobs");
    assertEquals(
        1,
        jobs.stream().filter(j -> "ds-orders".equals(((JsonObject) j).getString("name"))).count(),
        "one job on Flink");
    JsonObject run = http.get("/api/v1/runs/" + answer.getLong("runId"), operator).json();
    assertEquals("7001", run.getString("dsTaskInstanceId"));
    assertEquals("88", run.getString("dsWorkflowInstanceId"));

    // another workflow instance while it runs: refused, as a failure DS can see
    DsHttpTask.Result other =
        new DsHttpTask(Version.V3_2, "POST", ds("start"))
            .param("pipeline", "ds-orders")
            .param("taskInstanceId", "7003")
            .param("workflowInstanceId", "89")
            .header("token", token)
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertFalse(other.success());
    assertEquals(409, other.status());
    assertTrue(other.checkedBody().contains("\"result\":\"FAILURE\""), other.checkedBody());
  }

  @Test
  @Order(2)
  void statusIsACheckWithExpect() throws Exception {
    String token = token(null);
    DsHttpTask.Result running =
        new DsHttpTask(Version.V3_3, "GET", ds("status"))
            .param("pipeline", "ds-orders")
            .param("expect", "RUNNING")
            .header("token", token)
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertTrue(running.success(), running.checkedBody());
    DsHttpTask.Result finished =
        new DsHttpTask(Version.V3_3, "GET", ds("status"))
            .param("pipeline", "ds-orders")
            .param("expect", "FINISHED")
            .header("token", token)
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertFalse(finished.success());
    assertTrue(
        finished.checkedBody().startsWith("Request execute failed, httpCode: 409"),
        finished.checkedBody());
    DsHttpTask.Result plain =
        new DsHttpTask(Version.V3_2, "GET", ds("status"))
            .param("pipeline", "ds-orders")
            .header("token", token)
            .run();
    assertTrue(plain.success());
    assertEquals("RUNNING", new JsonObject(plain.checkedBody()).getString("state"));
  }

  @Test
  @Order(2)
  void theSnippetIsATaskDefinitionThatWorksAsItStands() throws Exception {
    JsonObject v33 =
        http.get("/api/v1/pipelines/ds-orders/ds-snippet?version=3.3", operator).json();
    JsonObject startBody =
        new JsonObject(
            v33.getJsonObject("start").getJsonObject("taskParams").getString("httpBody"));
    assertEquals("ds-orders", startBody.getString("pipeline"));
    assertEquals("${system.task.instance.id}", startBody.getString("taskInstanceId"));
    assertEquals(
        60000,
        v33.getJsonObject("status").getJsonObject("taskParams").getInteger("connectTimeout"));

    // run 3.2's status check as DS would, from the definition alone (with a real token in place of
    // the placeholder)
    JsonObject status =
        http.get("/api/v1/pipelines/ds-orders/ds-snippet?version=3.2", operator)
            .json()
            .getJsonObject("status")
            .getJsonObject("taskParams");
    DsHttpTask task =
        new DsHttpTask(Version.V3_2, status.getString("httpMethod"), status.getString("url"))
            .check(
                Check.valueOf(status.getString("httpCheckCondition")),
                status.getString("condition"));
    for (Object o : status.getJsonArray("httpParams")) {
      JsonObject p = (JsonObject) o;
      if ("HEADERS".equals(p.getString("httpParametersType"))) {
        task.header(p.getString("prop"), token(null));
      } else {
        task.param(p.getString("prop"), p.getString("value"));
      }
    }
    DsHttpTask.Result result = task.run();
    assertTrue(result.success(), result.checkedBody());
    assertEquals(
        400, http.get("/api/v1/pipelines/ds-orders/ds-snippet?version=4.0", operator).status());
  }

  @Test
  @Order(3)
  void aWaitThatTimesOutFailsBeforeTheTimeout() throws Exception {
    pipeline("ds-slow", keepsRunning("ds_slow"));
    long started = System.nanoTime();
    DsHttpTask.Result result =
        new DsHttpTask(Version.V3_3, "POST", ds("start"))
            .param("pipeline", "ds-slow")
            .param("wait", "FINISHED")
            .param("timeout", "3")
            .header("token", token(null))
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    double seconds = (System.nanoTime() - started) / 1e9;
    assertFalse(result.success());
    assertEquals(504, result.status());
    // the 504 itself shows that the console answered before DS gave up (DS would have seen no
    // answer at all)
    assertTrue(seconds >= 3, "answered after the wait: " + seconds);
    DsHttpTask.Result tooLong =
        new DsHttpTask(Version.V3_2, "POST", ds("start"))
            .param("timeout", "99")
            .param("pipeline", "ds-slow")
            .header("token", token(null))
            .run();
    assertEquals(
        400, tooLong.status(), "a wait DS would not outlast is refused: " + tooLong.checkedBody());
    http.post("/api/v1/pipelines/ds-slow/cancel", operator, null);
  }

  @Test
  @Order(4)
  void aPipelineThatCannotStartIsAFailure() throws Exception {
    pipeline(
        "ds-broken",
        """
        source:
          type: mysql
          hostname: 127.0.0.1
          username: cdc
          password: Ds-Secret-5
          tables: shop.orders
        sink:
          type: values
        """);
    DsHttpTask.Result result =
        new DsHttpTask(Version.V3_2, "POST", ds("start"))
            .param("pipeline", "ds-broken")
            .param("taskInstanceId", "9001")
            .header("token", token(null))
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertFalse(result.success());
    JsonObject body = new JsonObject(result.checkedBody());
    assertEquals("FAILURE", body.getString("result"));
    assertEquals("FAILED_TO_SUBMIT", body.getString("state"));
    assertFalse(
        result.checkedBody().contains("Ds-Secret-5"), "no secret in what DS stores and logs");
  }

  @Test
  @Order(5)
  void wrongAndForeignTokensAreRefused() throws Exception {
    DsHttpTask.Result wrong =
        new DsHttpTask(Version.V3_2, "GET", ds("status"))
            .param("pipeline", "ds-orders")
            .header("token", "cdc_not-a-real-token")
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertFalse(wrong.success());
    assertEquals(401, wrong.status());
    assertTrue(wrong.checkedBody().contains("\"result\":\"FAILURE\""), wrong.checkedBody());

    String scopedElsewhere =
        token(new JsonObject().put("pipelines", new JsonArray().add("some-other-pipeline")));
    DsHttpTask.Result foreign =
        new DsHttpTask(Version.V3_2, "GET", ds("status"))
            .param("pipeline", "ds-orders")
            .header("token", scopedElsewhere)
            .run();
    // out of scope looks exactly like absent (L5)
    assertEquals(404, foreign.status());

    String scopedHere = token(new JsonObject().put("pipelines", new JsonArray().add("ds-orders")));
    assertTrue(
        new DsHttpTask(Version.V3_2, "GET", ds("status"))
            .param("pipeline", "ds-orders")
            .header("token", scopedHere)
            .run()
            .success());
    assertEquals(
        403,
        http.get("/api/v1/pipelines", scopedHere).status(),
        "a scoped token works on /ds only");
  }

  @Test
  @Order(6)
  void stopWithSavepointSucceedsOnceTheSavepointIsTakenAndEveryCallIsAudited() throws Exception {
    String token = token(null);
    waitForAllTasksRunning(
        http.get("/api/v1/pipelines/ds-orders/runs", operator)
            .items()
            .getJsonObject(0)
            .getString("jobId"));
    DsHttpTask.Result stop =
        new DsHttpTask(Version.V3_3, "POST", ds("stop"))
            .param("pipeline", "ds-orders")
            .param("savepoint", "true")
            .param("taskInstanceId", "7100")
            .header("token", token)
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertTrue(stop.success(), stop.checkedBody());
    JsonObject answer = new JsonObject(stop.checkedBody());
    assertEquals("STOPPED", answer.getString("state"));
    String savepoint = answer.getString("savepoint");
    assertNotNull(savepoint);
    assertEquals(
        savepoint,
        http.get("/api/v1/pipelines/ds-orders/savepoints", operator)
            .json()
            .getString("restorePoint"));
    DsHttpTask.Result again =
        new DsHttpTask(Version.V3_3, "POST", ds("stop"))
            .param("pipeline", "ds-orders")
            .param("taskInstanceId", "7100")
            .header("token", token)
            .check(Check.BODY_CONTAINS, SUCCESS)
            .run();
    assertTrue(again.success(), "a DS retry after the stop: " + again.checkedBody());

    // audit rows are written after the answer is sent
    JsonArray audit =
        eventually(
            () -> http.get("/api/v1/audit?action=ds.*&limit=500", admin).items(),
            rows ->
                rows.stream()
                        .map(JsonObject.class::cast)
                        .anyMatch(
                            a ->
                                "ds.stop".equals(a.getString("action"))
                                    && "7100"
                                        .equals(
                                            a.getJsonObject("detail").getString("taskInstanceId")))
                    && rows.stream()
                        .map(JsonObject.class::cast)
                        .anyMatch(a -> "ds.status".equals(a.getString("action"))));
    assertTrue(
        audit.stream()
            .map(JsonObject.class::cast)
            .anyMatch(a -> "ds.status".equals(a.getString("action"))),
        "status checks are audited too");
    assertTrue(
        audit.stream()
            .map(JsonObject.class::cast)
            .anyMatch(
                a ->
                    "ds.stop".equals(a.getString("action"))
                        && "7100".equals(a.getJsonObject("detail").getString("taskInstanceId"))),
        audit.encodePrettily());
  }
}
