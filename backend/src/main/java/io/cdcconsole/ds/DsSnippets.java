package io.cdcconsole.ds;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ready-to-paste DolphinScheduler HTTP task definitions for one pipeline (the same as
 * docs/dolphinscheduler.md): start-and-wait-RUNNING, stop-with-savepoint, check-status. 3.2 sends
 * parameters as query parameters with static header rows; 3.3 sends a flat JSON body on POST (it
 * does not substitute {@code ${...}} in the URL) and query parameters on GET.
 */
final class DsSnippets {
  private static final String SUCCESS = "\"result\":\"SUCCESS\"";

  private DsSnippets() {}

  static JsonObject forPipeline(String consoleUrl, String pipeline, String version) {
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("taskInstanceId", "${system.task.instance.id}");
    ids.put("workflowInstanceId", "${system.workflow.instance.id}");
    ids.put("taskDefinitionCode", "${system.task.definition.code}");

    Map<String, String> start = new LinkedHashMap<>();
    start.put("pipeline", pipeline);
    start.put("wait", "RUNNING");
    start.put("timeout", "50");
    start.put("fromSavepoint", "latest");
    start.putAll(ids);
    Map<String, String> stop = new LinkedHashMap<>();
    stop.put("pipeline", pipeline);
    stop.put("savepoint", "true");
    stop.put("timeout", "50");
    stop.putAll(ids);
    Map<String, String> status = new LinkedHashMap<>();
    status.put("pipeline", pipeline);
    status.put("expect", "RUNNING");

    String base = consoleUrl.replaceAll("/+$", "") + "/api/v1/ds/";
    return new JsonObject()
        .put("version", version)
        .put("pipeline", pipeline)
        .put(
            "note",
            "Replace cdc_REPLACE_ME with an API token of the console (POST /api/v1/tokens, role operator, "
                + "optionally scoped to this pipeline).")
        .put("start", task("start-" + pipeline, base + "start", "POST", start, version, 0))
        .put("stop", task("stop-" + pipeline, base + "stop", "POST", stop, version, 2))
        .put("status", task("check-" + pipeline, base + "status", "GET", status, version, 10));
  }

  private static JsonObject task(
      String name,
      String url,
      String method,
      Map<String, String> params,
      String version,
      int retries) {
    boolean v33 = "3.3".equals(version);
    JsonArray httpParams = new JsonArray().add(param("token", "HEADERS", "cdc_REPLACE_ME"));
    JsonObject taskParams =
        new JsonObject()
            .put("localParams", new JsonArray())
            .put("resourceList", new JsonArray())
            .put("url", url)
            .put("httpMethod", method);
    if (v33 && "POST".equals(method)) {
      JsonObject body = new JsonObject();
      params.forEach(body::put);
      taskParams.put("httpParams", httpParams).put("httpBody", body.encode());
    } else {
      params.forEach((k, v) -> httpParams.add(param(k, "PARAMETER", v)));
      taskParams.put("httpParams", httpParams).put("httpBody", "");
    }
    taskParams.put("httpCheckCondition", "BODY_CONTAINS").put("condition", SUCCESS);
    if (v33) {
      taskParams.put("connectTimeout", 60000);
    } else {
      taskParams.put("connectTimeout", 10000).put("socketTimeout", 60000);
    }
    return new JsonObject()
        .put("name", name)
        .put("taskType", "HTTP")
        .put("failRetryTimes", retries)
        .put("failRetryInterval", 1)
        .put("timeoutFlag", "CLOSE")
        .put("taskParams", taskParams);
  }

  private static JsonObject param(String prop, String type, String value) {
    return new JsonObject().put("prop", prop).put("httpParametersType", type).put("value", value);
  }
}
