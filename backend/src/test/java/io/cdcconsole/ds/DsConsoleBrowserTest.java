package io.cdcconsole.ds;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.cdcconsole.ds.DsHttpTask.Version;
import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.AntSelect;
import io.cdcconsole.test.Chromium;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DolphinScheduler pages in a real Chromium against a real console, the Flink sandbox and a
 * stand-in DS API server (no DS runs here): a connection is tested from the page, a trigger's
 * delivery shows delivered, and the HTTP task definition copied from the page, sent as DS 3.3 sends
 * it, starts the pipeline. Every network answer the browser gets is kept and searched for the DS
 * token and the cluster secrets; none may be there (the one-time API token only in the answer that
 * creates it). No page error and no console error either.
 */
@io.cdcconsole.test.ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_DS_RETRY_BACKOFF=200ms"
})
class DsConsoleBrowserTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String DS_TOKEN = "ds-access-token-7f3a9c1e5b";
  private static final String CLUSTER_SECRET = "cluster-bearer-secret-51d2";
  private static final String HEADER_SECRET = "cluster-header-secret-8e4b";
  private static final double STATE_TIMEOUT_MS = 90_000;

  record Call(String path, String token, MultiMap form) {}

  /** A network answer the browser got. */
  record Seen(String method, String url, String body) {}

  private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
  private static Playwright playwright;
  private static Browser browser;
  private static Vertx vertx;
  private static int dsPort;

  private final List<String> pageProblems = new CopyOnWriteArrayList<>();
  // requests whose answer has fully arrived: reading the body of one still streaming waits for its
  // end (a CI run hung
  // in text() on such an answer), and event streams never end
  private final List<Request> finished = new CopyOnWriteArrayList<>();
  private final List<BrowserContext> contexts = new ArrayList<>();
  private String testName;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @BeforeAll
  static void startBrowserAndStandIn() throws Exception {
    assertNotNull(
        DsConsoleBrowserTest.class.getClassLoader().getResource("webroot/index.html"),
        "the SPA is not on the classpath: build without -Dskip.frontend");
    Files.createDirectories(SHOTS);
    playwright = Chromium.playwright();
    browser = Chromium.launch(playwright);
    vertx = Vertx.vertx();
    // DS's login interceptor: a known token passes, any other gets 401 without a body
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.method() == io.vertx.core.http.HttpMethod.GET) {
                    answer(req, MultiMap.caseInsensitiveMultiMap());
                  } else {
                    req.setExpectMultipart(true);
                    req.endHandler(v -> answer(req, req.formAttributes()));
                  }
                });
    dsPort = TestConsole.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  private static void answer(io.vertx.core.http.HttpServerRequest req, MultiMap form) {
    CALLS.add(
        new Call(
            req.path(), req.getHeader("token"), MultiMap.caseInsensitiveMultiMap().addAll(form)));
    if (!DS_TOKEN.equals(req.getHeader("token"))) {
      req.response().setStatusCode(401).end();
    } else if (req.path().equals("/dolphinscheduler/users/get-user-info")) {
      req.response()
          .putHeader("Content-Type", "application/json")
          .end(
              new JsonObject()
                  .put("code", 0)
                  .put("msg", "success")
                  .put("data", new JsonObject().put("userName", "etl-bot"))
                  .encode());
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
  }

  @AfterAll
  static void stopBrowserAndStandIn() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    TestConsole.await(vertx.close());
  }

  @BeforeEach
  void name(TestInfo info) {
    testName = info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
    assertEquals(List.of(), pageProblems, "uncaught page errors or console errors in " + testName);
  }

  private BrowserContext newContext(String locale) {
    BrowserContext c =
        browser.newContext(
            new Browser.NewContextOptions()
                .setLocale(locale)
                .setPermissions(List.of("clipboard-read", "clipboard-write"))
                .setViewportSize(1400, 900));
    c.setDefaultTimeout(30_000);
    c.onWebError(e -> pageProblems.add("page error: " + e.error()));
    c.onConsoleMessage(
        m -> {
          if ("error".equals(m.type())) {
            pageProblems.add("console error: " + m.text() + " at " + m.location());
          }
        });
    c.onRequestFinished(finished::add);
    contexts.add(c);
    return c;
  }

  /**
   * The open dialog's Save (pages have other Save buttons, e.g. a cluster's savepoint schedule).
   */
  private static void saveDialog(Page page) {
    page.getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save"))
        .click();
  }

  /**
   * Every answer the browser got in full so far, with its body (event streams, which never end,
   * left out).
   */
  private List<Seen> seen() {
    List<Seen> out = new ArrayList<>();
    for (Request request : finished) {
      Response r = request.response();
      if (r == null) {
        continue;
      }
      String type = r.headers().getOrDefault("content-type", "");
      if (type.contains("event-stream")
          || r.status() == 204
          || (r.status() >= 300 && r.status() < 400)) {
        continue;
      }
      try {
        out.add(new Seen(r.request().method(), r.url(), r.text()));
      } catch (RuntimeException e) {
        out.add(new Seen(r.request().method(), r.url(), ""));
      }
    }
    return out;
  }

  private void assertNeverSent(String secret, String what) {
    for (Seen s : seen()) {
      assertFalse(
          s.body().contains(secret),
          what + " reached the browser in " + s.method() + " " + s.url());
    }
  }

  private String base() {
    return "http://127.0.0.1:" + console.app().port();
  }

  private Page signInAdmin(BrowserContext c) {
    Page page = c.newPage();
    page.navigate(base() + "/login");
    page.getByTestId("login-username").fill("admin");
    page.getByTestId("login-password").fill(TestConsole.ADMIN_PASSWORD);
    page.getByTestId("login-submit").click();
    assertThat(page.getByTestId("me-username")).hasText("admin");
    return page;
  }

  private long pipelineId(String name) {
    Http.Response r = http.get("/api/v1/pipelines/" + name, operator);
    assertEquals(200, r.status(), r.body());
    return r.json().getLong("id");
  }

  private void addConnectionFromThePage(Page page, String name) {
    page.getByTestId("ds-connection-add").click();
    Locator form = page.getByTestId("ds-connection-form");
    form.getByLabel("Name").fill(name);
    form.getByLabel("API server URL").fill("http://127.0.0.1:" + dsPort);
    form.getByLabel("Access token").fill(DS_TOKEN);
    saveDialog(page);
    assertThat(form).isHidden();
  }

  private static Locator row(Page page, String text) {
    return page.locator("tr", new Page.LocatorOptions().setHasText(text));
  }

  @Test
  void aConnectionIsTestedFromThePageAndATriggerDeliveryShowsDelivered() throws Exception {
    BrowserContext c = newContext("en-US");
    Page page = signInAdmin(c);
    // the Administration submenu, as a user opens it: hover, click, move on
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Administration"))
        .hover();
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("DolphinScheduler"))
        .click();
    page.mouse().move(0, 600);
    assertThat(page.getByTestId("ds-connections-page")).isVisible();
    addConnectionFromThePage(page, "ds-standin");
    Locator connection = row(page, "ds-standin");
    assertThat(connection.getByText("******")).isVisible();
    CALLS.clear();
    connection.getByTestId("ds-connection-test").click();
    Locator outcome = connection.getByTestId("ds-test-outcome");
    assertThat(outcome).hasAttribute("data-authenticated", "true");
    assertThat(outcome).containsText("Signed in as etl-bot");
    assertEquals("/dolphinscheduler/users/get-user-info", CALLS.get(0).path());
    assertEquals(DS_TOKEN, CALLS.get(0).token(), "the stored token was used");
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("ds-connections.png"))
            .setFullPage(true));

    // a trigger made on the pipeline's DolphinScheduler tab, with a workflow parameter
    pipeline("ds-browser", bounded("ds_browser"));
    long id = pipelineId("ds-browser");
    page.navigate(base() + "/pipelines/" + id + "/ds");
    page.getByTestId("ds-trigger-add").click();
    Locator form = page.getByTestId("ds-trigger-form");
    AntSelect.choose(page, form.locator(".ant-select").nth(1), "Finished (FINISHED)", "Finished");
    form.getByLabel("Project code").fill("1001");
    form.getByLabel("Workflow code").fill("2002");
    form.getByLabel("Workflow parameters").fill("bizdate=2026-11-29");
    saveDialog(page);
    Locator trigger =
        page.getByTestId("ds-triggers")
            .locator("tr", new Locator.LocatorOptions().setHasText("1001 / 2002"));
    assertThat(trigger).containsText("bizdate=2026-11-29");
    assertThat(trigger).containsText("Finished");

    CALLS.clear();
    String location =
        http.post("/api/v1/pipelines/ds-browser/runs", operator, new JsonObject())
            .header("Location");
    waitForState(location, "FINISHED");
    Locator status = page.getByTestId("ds-deliveries").getByTestId("ds-delivery-status").first();
    assertThat(status)
        .hasAttribute(
            "data-status",
            "DELIVERED",
            new LocatorAssertions.HasAttributeOptions().setTimeout(STATE_TIMEOUT_MS));
    assertThat(status).hasText("delivered");
    Call start =
        CALLS.stream()
            .filter(call -> call.path().endsWith("/start-workflow-instance"))
            .findFirst()
            .orElseThrow();
    assertEquals("/dolphinscheduler/projects/1001/executors/start-workflow-instance", start.path());
    assertEquals(
        new JsonObject().put("bizdate", "2026-11-29"),
        new JsonObject(start.form().get("startParams")));
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("ds-pipeline-tab.png"))
            .setFullPage(true));

    // a cluster's secrets are write-only: the page shows the mask, an edit keeps them
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "secured")
                .put("restUrl", "http://127.0.0.1:9")
                .put("auth", new JsonObject().put("type", "bearer").put("token", CLUSTER_SECRET))
                .put(
                    "headers",
                    new JsonObject().put("X-Api-Key", HEADER_SECRET).put("X-Team", "core"))
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    page.navigate(base() + "/clusters/" + cluster.json().getLong("id"));
    assertThat(page.getByTestId("cluster-auth")).containsText("******");
    page.getByRole(
            com.microsoft.playwright.options.AriaRole.BUTTON,
            new Page.GetByRoleOptions().setName("Edit"))
        .click();
    Locator clusterForm = page.getByTestId("cluster-form");
    assertThat(clusterForm.getByLabel("Extra headers"))
        .hasValue(java.util.regex.Pattern.compile("X-Api-Key: \\*{6}"));
    clusterForm.getByLabel("Description").fill("behind the gateway");
    saveDialog(page);
    assertThat(clusterForm).isHidden();
    assertThat(page.getByText("behind the gateway")).isVisible();

    assertNeverSent(DS_TOKEN, "the DS token");
    assertNeverSent(CLUSTER_SECRET, "the cluster's bearer token");
    assertNeverSent(HEADER_SECRET, "the cluster's secret header");
  }

  @Test
  void theDs33SnippetCopiedFromThePageStartsThePipeline() throws Exception {
    pipeline("ds-snippet", keepsRunning("ds_snippet"));
    long id = pipelineId("ds-snippet");
    BrowserContext c = newContext("en-US");
    Page page = signInAdmin(c);
    page.navigate(base() + "/pipelines/" + id + "/ds");
    Locator start = page.getByTestId("ds-snippet-json-start");
    assertThat(start).containsText("cdc_REPLACE_ME");

    // an existing token's secret cannot be shown again: a placeholder names it
    page.getByText("Use one of my tokens").click();
    Http.Response existing =
        http.post(
            "/api/v1/tokens",
            admin,
            new JsonObject().put("name", "ds-older").put("role", "operator"));
    assertEquals(201, existing.status());
    page.reload();
    page.getByText("Use one of my tokens").click();
    page.getByTestId("ds-token-choose").click();
    page.locator(".ant-select-item-option", new Page.LocatorOptions().setHasText("ds-older"))
        .click();
    assertThat(start).containsText("PASTE_SECRET_OF_TOKEN_ds-older");
    assertFalse(start.textContent().contains(existing.json().getString("token")));

    // a new token scoped to the pipeline, created on the spot: its one-time secret is in the
    // definitions
    page.getByText("Create a token for this pipeline").click();
    page.getByTestId("ds-token-create").click();
    assertThat(page.getByTestId("ds-token-created")).isVisible();
    page.getByTestId("ds-snippet-copy-start").click();
    String copied = (String) page.evaluate("() => navigator.clipboard.readText()");
    assertEquals(start.textContent(), copied, "the copy is what the page shows");
    JsonObject definition = new JsonObject(copied);
    String secret =
        definition.getJsonObject("taskParams").getJsonArray("httpParams").stream()
            .map(JsonObject.class::cast)
            .filter(p -> "token".equals(p.getString("prop")))
            .findFirst()
            .orElseThrow()
            .getString("value");
    assertTrue(secret.startsWith("cdc_"), secret);
    JsonObject token =
        http.get("/api/v1/tokens", admin).json().getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(t -> "ds-ds-snippet".equals(t.getString("name")))
            .findFirst()
            .orElseThrow();
    assertEquals(
        new JsonArray().add("ds-snippet"), token.getJsonObject("scope").getJsonArray("pipelines"));
    assertEquals("operator", token.getString("role"));
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve("ds-snippets.png")).setFullPage(true));

    // sent as DS 3.3 sends that task: the pipeline runs
    Map<String, String> builtIns =
        Map.of(
            "system.task.instance.id",
            "9001",
            "system.workflow.instance.id",
            "77",
            "system.task.definition.code",
            "123456789");
    DsHttpTask.Result started = DsHttpTask.fromDefinition(Version.V3_3, definition, builtIns).run();
    assertTrue(started.success(), started.checkedBody());
    JsonObject current =
        http.get("/api/v1/pipelines/ds-snippet", operator).json().getJsonObject("currentRun");
    assertEquals("RUNNING", current.getString("state"));
    assertEquals(
        "9001",
        http.get("/api/v1/runs/" + current.getLong("id"), operator)
            .json()
            .getString("dsTaskInstanceId"));

    page.getByTestId("ds-snippet-copy-status").click();
    JsonObject status =
        new JsonObject((String) page.evaluate("() => navigator.clipboard.readText()"));
    DsHttpTask.Result checked = DsHttpTask.fromDefinition(Version.V3_3, status, builtIns).run();
    assertTrue(checked.success(), checked.checkedBody());

    // the one-time secret reached the browser once: in the answer that created it
    for (Seen s : seen()) {
      boolean creation = s.method().equals("POST") && s.url().endsWith("/api/v1/tokens");
      assertTrue(
          creation || !s.body().contains(secret),
          "the token's secret came again in " + s.method() + " " + s.url());
    }
    Http.Response cancel =
        http.post("/api/v1/pipelines/ds-snippet/cancel", operator, new JsonObject());
    assertTrue(
        cancel.status() / 100 == 2, "cancelled, to leave the sandbox free: " + cancel.body());
  }

  @Test
  void theDolphinSchedulerPagesInChinese() throws Exception {
    Http.Response created =
        http.post(
            "/api/v1/ds-connections",
            admin,
            new JsonObject()
                .put("name", "ds-zh")
                .put("url", "http://127.0.0.1:" + dsPort)
                .put("version", "3.2")
                .put("token", DS_TOKEN));
    assertEquals(201, created.status(), created.body());
    pipeline("ds-zh", bounded("ds_zh"));
    long id = pipelineId("ds-zh");
    assertEquals(
        201,
        http.post(
                "/api/v1/pipelines/ds-zh/triggers",
                operator,
                new JsonObject()
                    .put("connection", "ds-zh")
                    .put("onState", "RUNNING")
                    .put("projectCode", "31")
                    .put("workflowCode", "32"))
            .status());

    BrowserContext c = newContext("zh-CN");
    Page page = signInAdmin(c);
    assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
    page.navigate(base() + "/ds-connections");
    assertThat(
            page.getByRole(
                com.microsoft.playwright.options.AriaRole.HEADING,
                new Page.GetByRoleOptions().setName("DolphinScheduler 连接")))
        .isVisible();
    Locator connection = row(page, "ds-zh");
    connection.getByText("测试连接").click();
    assertThat(connection.getByTestId("ds-test-outcome")).containsText("已登录为 etl-bot");
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("ds-connections-zh.png"))
            .setFullPage(true));

    page.navigate(base() + "/pipelines/" + id + "/ds");
    assertThat(page.getByTestId("ds-triggers")).containsText("触发器");
    assertThat(page.getByTestId("ds-triggers")).containsText("运行中");
    assertThat(page.getByTestId("ds-deliveries")).containsText("投递");
    assertThat(page.getByTestId("ds-snippets")).containsText("HTTP 任务定义");
    assertThat(page.getByTestId("ds-snippets")).containsText("为本管道创建令牌");
    page.getByTestId("ds-snippet-version").getByText("DS 3.2").click();
    assertThat(page.getByTestId("ds-snippet-json-start")).containsText("socketTimeout");
    assertThat(page.getByTestId("ds-snippet-start")).containsText("请求地址");
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("ds-pipeline-tab-zh.png"))
            .setFullPage(true));

    assertNeverSent(DS_TOKEN, "the DS token");
  }
}
