package io.cdcconsole.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Chromium;
import io.cdcconsole.test.CuttableProxy;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's main flows in a real Chromium (Debian's), against a real console and a real Flink
 * sandbox: one console, one sandbox and one browser for the class, a fresh browser context per
 * test. Every test fails on an uncaught page error or a console error, apart from the failed loads
 * it provokes on purpose (a 400, 403 or 412 the server answers, or the network it cuts), which it
 * declares with {@link #expectFailedLoads}.
 *
 * <p>Only one test here takes a savepoint: after one, the values source of this sandbox fails the
 * "keeps running" pipelines at once (see {@link SandboxRunTest#keepsRunning}), so the others use
 * bounded pipelines.
 */
class ConsoleFlowsBrowserTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static final Path SHOTS = Path.of("target", "screenshots");

  /**
   * Runs change state on a busy machine: generous, and only an upper bound (the assertions wait for
   * a state).
   */
  private static final double STATE_TIMEOUT_MS = 90_000;

  private static Playwright playwright;
  private static Browser browser;

  private final List<String> pageProblems = new CopyOnWriteArrayList<>();
  private final List<Pattern> expectedFailedLoads = new CopyOnWriteArrayList<>();
  private final List<BrowserContext> contexts = new ArrayList<>();
  private String testName;
  private BrowserContext context;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @BeforeAll
  static void startBrowser() throws Exception {
    assertNotNull(
        ConsoleFlowsBrowserTest.class.getClassLoader().getResource("webroot/index.html"),
        "the SPA is not on the classpath: build without -Dskip.frontend");
    Files.createDirectories(SHOTS);
    playwright = Chromium.playwright();
    browser = Chromium.launch(playwright);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void openContext(TestInfo info) {
    testName = info.getTestMethod().orElseThrow().getName();
    context = newContext();
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
    assertEquals(List.of(), pageProblems, "uncaught page errors or console errors in " + testName);
  }

  /**
   * A context (its own cookies and storage: another browser, as far as the console can tell) that
   * is watched.
   */
  private BrowserContext newContext() {
    BrowserContext c = browser.newContext(new Browser.NewContextOptions().setLocale("en-US"));
    c.setDefaultTimeout(30_000);
    c.onWebError(e -> pageProblems.add("page error: " + e.error()));
    c.onConsoleMessage(
        m -> {
          if ("error".equals(m.type())
              && expectedFailedLoads.stream().noneMatch(p -> p.matcher(m.text()).find())) {
            pageProblems.add("console error: " + m.text() + " at " + m.location());
          }
        });
    contexts.add(c);
    return c;
  }

  /**
   * Chromium logs every failed fetch as a console error; a test names the failures it causes on
   * purpose.
   */
  private void expectFailedLoads(String... reasons) {
    for (String reason : reasons) {
      expectedFailedLoads.add(
          Pattern.compile("^Failed to load resource: .*" + Pattern.quote(reason)));
    }
  }

  private String base() {
    return "http://127.0.0.1:" + console.app().port();
  }

  private Page signIn(BrowserContext c, String username, String password) {
    return signIn(c, base(), username, password);
  }

  private static Page signIn(BrowserContext c, String base, String username, String password) {
    Page page = c.newPage();
    page.navigate(base + "/login");
    page.getByTestId("login-username").fill(username);
    page.getByTestId("login-password").fill(password);
    page.getByTestId("login-submit").click();
    assertThat(page.getByTestId("me-username")).hasText(username);
    return page;
  }

  private Page signInAdmin() {
    return signIn(context, "admin", TestConsole.ADMIN_PASSWORD);
  }

  private void shot(Page page, String name) {
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("flows-" + name + ".png"))
            .setFullPage(true));
  }

  /**
   * Replaces the whole text of the CodeMirror editor as a user would: select all, then type
   * (insert) the new text.
   */
  private static void replaceEditorText(Page page, Locator editor, String text) {
    editor.click();
    page.keyboard().press("ControlOrMeta+A");
    page.keyboard().insertText(text);
  }

  /** Marks the document: the mark is gone after any reload or full navigation. */
  private static void markDocument(Page page) {
    page.evaluate("() => { window.__sameDocument = true; }");
  }

  private static void assertSameDocument(Page page) {
    assertEquals(
        Boolean.TRUE,
        page.evaluate("() => window.__sameDocument === true"),
        "the page was reloaded");
  }

  private long pipelineId(String name) {
    Http.Response r = http.get("/api/v1/pipelines/" + name, operator);
    assertEquals(200, r.status(), r.body());
    return r.json().getLong("id");
  }

  /**
   * Flink calls a job RUNNING while its tasks may still be deploying, and refuses a savepoint until
   * every task runs ("Not all required tasks are currently running"; the console then keeps the run
   * RUNNING). The console does not show task states, so the test asks Flink before it stops with a
   * savepoint.
   */
  private void awaitEveryTaskRunning(String pipeline) throws Exception {
    String jobId =
        http.get("/api/v1/pipelines/" + pipeline, operator)
            .json()
            .getJsonObject("currentRun")
            .getString("jobId");
    eventually(
        Duration.ofMinutes(2),
        () -> flinkOrNull("/jobs/" + jobId),
        job ->
            job != null
                && job.getJsonArray("vertices").stream()
                    .allMatch(v -> "RUNNING".equals(((JsonObject) v).getString("status"))),
        () -> "the tasks of " + jobId + " never all ran");
  }

  private static LocatorAssertions.HasAttributeOptions stateTimeout() {
    return new LocatorAssertions.HasAttributeOptions().setTimeout(STATE_TIMEOUT_MS);
  }

  private static Locator state(Page page) {
    return page.getByTestId("pipeline-page").getByTestId("state-badge").first();
  }

  // 1. sign in; a new pipeline from a template, with a YAML error: the marker sits at its line;
  // fixed, it is saved
  @Test
  void aPipelineFromATemplateShowsItsYamlErrorAtTheLineAndSavesOnceFixed() {
    expectFailedLoads("status of 400");
    Page page = signInAdmin();
    // the template as the page gets it (GET /templates, with this page's session)
    String good =
        (String)
            page.evaluate(
                """
        async () => {
          const r = await fetch('/api/v1/templates',
              { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('cdc-console.token') } });
          return (await r.json()).items.find((t) => t.id === 'values-values').yaml;
        }""");
    String broken = good.replaceFirst("type: values", "type: valuez");
    List<String> lines = List.of(broken.split("\n", -1));
    int errorLine =
        lines.indexOf(lines.stream().filter(l -> l.contains("valuez")).findFirst().orElseThrow())
            + 1;
    assertTrue(errorLine > 1, broken);

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Pipelines").setExact(true))
        .click();
    page.getByTestId("new-pipeline").click();
    assertThat(page.getByTestId("new-pipeline-page")).isVisible();
    page.getByTestId("new-name").fill("from-template");
    page.getByLabel("Cluster", new Page.GetByLabelOptions().setExact(true)).click();
    page.locator(".ant-select-item-option")
        .filter(new Locator.FilterOptions().setHasText("sandbox"))
        .click();
    page.getByLabel("Start from a template", new Page.GetByLabelOptions().setExact(true)).click();
    page.locator(".ant-select-item-option")
        .filter(new Locator.FilterOptions().setHasText("values → values"))
        .click();
    Locator editor = page.getByTestId("yaml-editor");
    assertThat(editor).containsText("type: values");

    replaceEditorText(page, editor, broken);
    page.getByTestId("create-pipeline").click();
    assertThat(page.getByTestId("problem")).containsText("valuez");
    // the marker underlines the wrong line, and that line only; the gutter has one error marker
    Locator marked =
        page.locator(".cm-content .cm-line:has(.cm-lintRange-error, .cm-lintPoint-error)");
    assertThat(marked).hasCount(1);
    assertThat(marked).containsText("type: valuez");
    assertThat(
            page.locator(".cm-content .cm-line")
                .nth(errorLine - 1)
                .locator(".cm-lintRange-error, .cm-lintPoint-error"))
        .hasCount(1);
    assertThat(page.locator(".cm-lint-marker-error")).hasCount(1);
    shot(page, "1-yaml-error");

    replaceEditorText(page, editor, good);
    page.getByTestId("create-pipeline").click();
    assertThat(page.getByTestId("pipeline-name")).hasText("from-template");
    assertTrue(page.url().matches(".*/pipelines/\\d+/overview$"), page.url());
    Http.Response saved = http.get("/api/v1/pipelines/from-template", operator);
    assertEquals(200, saved.status(), saved.body());
    assertEquals(good, saved.json().getString("yaml"));
    assertEquals(1, saved.json().getInteger("version"));

    // the YAML tab checks while one types: the same error is marked and listed before any save, and
    // goes once fixed
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("YAML")).click();
    Locator tabEditor = page.getByTestId("yaml-editor");
    assertThat(tabEditor).containsText("type: values");
    String changed = good.replace("parallelism: 1", "parallelism: 2");
    assertFalse(changed.equals(good), good);
    replaceEditorText(page, tabEditor, changed.replaceFirst("type: values", "type: valuez"));
    Locator problem = page.getByTestId("problems").getByTestId("problem-item");
    assertThat(problem).hasCount(1);
    assertThat(problem).containsText("valuez");
    assertThat(problem).containsText("line " + errorLine);
    assertThat(
            page.locator(".cm-content .cm-line")
                .nth(errorLine - 1)
                .locator(".cm-lintRange-error, .cm-lintPoint-error"))
        .hasCount(1);
    shot(page, "1-yaml-tab-error");
    replaceEditorText(page, tabEditor, changed);
    assertThat(page.getByTestId("problems")).containsText("No problems found.");
    assertThat(problem).hasCount(0);
    page.getByTestId("save-comment").fill("two in parallel");
    page.getByTestId("save-yaml").click();
    assertThat(page.getByText("Saved as version 2.")).isVisible();
    JsonObject v2 = http.get("/api/v1/pipelines/from-template", operator).json();
    assertEquals(2, v2.getInteger("version"));
    assertEquals(changed, v2.getString("yaml"));
  }

  // 2. start with `none`, RUNNING appears without a reload; 3. stop with savepoint, the savepoint
  // is in the ledger;
  // 4. the Start dialog offers the restore point by default, and the run starts from it
  @Test
  void startStopWithSavepointAndStartAgainFromTheRestorePoint() throws Exception {
    pipeline("browser-runs", keepsRunning("browser-runs"));
    long id = pipelineId("browser-runs");
    Page page = signInAdmin();
    page.navigate(base() + "/pipelines/" + id + "/overview");
    assertThat(state(page)).hasAttribute("data-state", "NONE");
    markDocument(page);

    page.getByTestId("action-start").click();
    Locator dialog = page.getByTestId("start-dialog");
    assertThat(dialog).isVisible();
    assertThat(page.getByTestId("from-latest")).isDisabled();
    assertThat(page.getByTestId("from-none")).isChecked();
    page.getByTestId("start-confirm").click();
    assertThat(dialog).isHidden();
    assertThat(state(page)).hasAttribute("data-state", "RUNNING", stateTimeout());
    assertThat(state(page)).containsText("Running");
    assertSameDocument(page);
    shot(page, "2-running");

    awaitEveryTaskRunning("browser-runs");
    page.getByTestId("action-stop").click();
    assertThat(page.getByTestId("stop-dialog")).isVisible();
    assertThat(page.getByTestId("stop-savepoint")).isChecked();
    page.getByTestId("stop-confirm").click();
    assertThat(state(page)).hasAttribute("data-state", "STOPPED", stateTimeout());
    assertSameDocument(page);
    JsonObject ledger = http.get("/api/v1/pipelines/browser-runs/savepoints", operator).json();
    String path = ledger.getString("restorePoint");
    assertNotNull(path, ledger.encodePrettily());

    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Savepoints")).click();
    Locator row =
        page.getByTestId("savepoints-tab")
            .locator("tr")
            .filter(new Locator.FilterOptions().setHasText(path));
    assertThat(row).hasCount(1);
    assertThat(row).containsText("restore point");
    shot(page, "3-ledger");

    page.getByTestId("action-start").click();
    assertThat(page.getByTestId("start-dialog")).isVisible();
    assertThat(page.getByTestId("from-latest")).isChecked();
    assertThat(page.getByTestId("start-dialog")).containsText(path);
    assertThat(page.getByTestId("none-warning")).hasCount(0);
    shot(page, "4-start-from-restore-point");
    page.getByTestId("start-confirm").click();
    assertThat(page.getByTestId("start-dialog")).isHidden();

    // The values connector cannot restore from a savepoint at run time (a known limit of it, not of
    // the console):
    // the new run may fail in Flink afterwards, so what is asserted is what the console did: the
    // run it started
    // restores from the restore point, and the console's pages say so.
    JsonObject runs = http.get("/api/v1/pipelines/browser-runs/runs", operator).json();
    JsonObject newest =
        runs.getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .max((a, b) -> Long.compare(a.getLong("id"), b.getLong("id")))
            .orElseThrow();
    assertEquals(2, runs.getJsonArray("items").size(), runs.encodePrettily());
    assertEquals(path, newest.getString("fromSavepoint"), newest.encodePrettily());
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Runs")).click();
    assertThat(
            page.getByTestId("runs-tab")
                .locator("tr")
                .filter(new Locator.FilterOptions().setHasText(path)))
        .hasCount(1);
    page.navigate(base() + "/runs/" + newest.getLong("id"));
    assertThat(page.getByTestId("run-page")).containsText(path);
  }

  // 5. two versions side by side, then a rollback after its confirmation
  @Test
  void twoVersionsAreComparedAndARollbackAsksFirst() {
    String v1 = bounded("browser-versions");
    String v2 = v1.replace("parallelism: 1", "parallelism: 2");
    pipeline("browser-versions", v1);
    long id = pipelineId("browser-versions");
    Http.Response updated =
        http.put("/api/v1/pipelines/" + id, operator, new JsonObject().put("yaml", v2), "\"1\"");
    assertEquals(200, updated.status(), updated.body());

    Page page = signInAdmin();
    page.navigate(base() + "/pipelines/" + id + "/versions");
    Locator diff = page.getByTestId("diff-view");
    assertThat(diff.locator(".cm-merge-a .cm-changedLine")).containsText("parallelism: 1");
    assertThat(diff.locator(".cm-merge-b .cm-changedLine")).containsText("parallelism: 2");
    shot(page, "5-diff");

    page.getByTestId("rollback-1").click();
    Locator confirm = page.locator(".ant-popconfirm");
    assertThat(confirm).containsText("Roll back to version 1?");
    assertEquals(
        2,
        http.get("/api/v1/pipelines/" + id, operator).json().getInteger("version"),
        "nothing before the confirmation");
    confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rollback")).click();
    assertThat(page.getByTestId("versions-tab")).containsText("v3 (current)");
    JsonObject now = http.get("/api/v1/pipelines/" + id, operator).json();
    assertEquals(3, now.getInteger("version"));
    assertEquals(v1, now.getString("yaml"));
  }

  // 6. two browsers edit one pipeline: the second save meets a 412, sees their change and chooses
  @Test
  void aSecondSaveOfTheSamePipelineShowsTheOtherChangeAndOffersReloadOrOverwrite() {
    expectFailedLoads("status of 412");
    String v1 = bounded("browser-conflict");
    pipeline("browser-conflict", v1);
    long id = pipelineId("browser-conflict");
    Page mine = signInAdmin();
    Page theirs = signIn(newContext(), "runner", "runner-Pass-123");
    mine.navigate(base() + "/pipelines/" + id + "/yaml");
    theirs.navigate(base() + "/pipelines/" + id + "/yaml");
    assertThat(mine.getByTestId("yaml-editor")).containsText("parallelism: 1");
    assertThat(theirs.getByTestId("yaml-editor")).containsText("parallelism: 1");

    replaceEditorText(
        theirs, theirs.getByTestId("yaml-editor"), v1.replace("parallelism: 1", "parallelism: 2"));
    theirs.getByTestId("save-yaml").click();
    assertThat(theirs.getByText("Saved as version 2.")).isVisible();
    assertEquals(2, http.get("/api/v1/pipelines/" + id, operator).json().getInteger("version"));

    String myText = v1.replace("parallelism: 1", "parallelism: 3");
    replaceEditorText(mine, mine.getByTestId("yaml-editor"), myText);
    mine.getByTestId("save-yaml").click();
    Locator conflict = mine.getByTestId("conflict");
    assertThat(conflict).containsText("version 2");
    assertThat(conflict.locator(".cm-merge-a .cm-changedLine")).containsText("parallelism: 2");
    assertThat(conflict.locator(".cm-merge-b .cm-changedLine")).containsText("parallelism: 3");
    assertThat(
            conflict.getByRole(
                AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Reload their version")))
        .isEnabled();
    Locator overwrite =
        conflict.getByRole(
            AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Overwrite with mine"));
    assertThat(overwrite).isEnabled();
    assertEquals(
        2,
        http.get("/api/v1/pipelines/" + id, operator).json().getInteger("version"),
        "the 412 saved nothing");
    shot(mine, "6-conflict");

    overwrite.click();
    assertThat(conflict).hasCount(0);
    JsonObject now = http.get("/api/v1/pipelines/" + id, operator).json();
    assertEquals(3, now.getInteger("version"));
    assertEquals(myText, now.getString("yaml"));
  }

  // 7. a viewer has no Start button and a forced start is refused with the 403 message
  @Test
  void aViewerSeesNoStartAndAForcedStartIsRefused() {
    expectFailedLoads("status of 403");
    pipeline("browser-viewer", bounded("browser-viewer"));
    long id = pipelineId("browser-viewer");
    console.userToken("browser-viewer", "viewer");
    Page page = signIn(context, "browser-viewer", "browser-viewer-Pass-123");
    page.navigate(base() + "/pipelines/" + id + "/overview");
    assertThat(page.getByTestId("pipeline-name")).hasText("browser-viewer");
    assertThat(page.getByTestId("me-role")).hasAttribute("data-role", "viewer");
    assertThat(
            page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start").setExact(true)))
        .hasCount(0);
    assertThat(page.getByTestId("action-start")).hasCount(0);

    // the call the missing button would have made, with this page's own session
    @SuppressWarnings("unchecked")
    Map<String, Object> forced =
        (Map<String, Object>)
            page.evaluate(
                """
        async (path) => {
          const token = sessionStorage.getItem('cdc-console.token');
          const r = await fetch(path, { method: 'POST', body: '{}',
              headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } });
          return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
        }""",
                "/api/v1/pipelines/" + id + "/runs");
    assertEquals(403, ((Number) forced.get("status")).intValue(), forced.toString());
    assertTrue(
        String.valueOf(forced.get("type")).startsWith("application/problem+json"),
        forced.toString());
    assertTrue(String.valueOf(forced.get("body")).contains("you have viewer"), forced.toString());

    // an operator whose role is taken away while the Start dialog is open sees the refusal in the
    // dialog
    Http.Response demoted =
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("username", "browser-demoted")
                .put("password", "browser-demoted-Pass-123")
                .put("role", "operator"));
    assertEquals(201, demoted.status(), demoted.body());
    Page other = signIn(newContext(), "browser-demoted", "browser-demoted-Pass-123");
    other.navigate(base() + "/pipelines/" + id + "/overview");
    other.getByTestId("action-start").click();
    assertThat(other.getByTestId("start-dialog")).isVisible();
    Http.Response patched =
        http.patch(
            "/api/v1/users/" + demoted.json().getLong("id"),
            admin,
            new JsonObject().put("role", "viewer"));
    assertEquals(200, patched.status(), patched.body());
    other.getByTestId("start-confirm").click();
    Locator problem = other.getByTestId("start-dialog").getByTestId("problem");
    assertThat(problem).containsText("Forbidden");
    assertThat(problem).containsText("This needs the operator role; you have viewer.");
    shot(other, "7-forbidden");
    assertEquals(
        0,
        http.get("/api/v1/pipelines/" + id + "/runs", operator)
            .json()
            .getJsonArray("items")
            .size());
  }

  // 8. 中文: the same page in Chinese, remembered after a reload
  @Test
  void theConsoleSwitchesToChineseAndRemembersIt() {
    pipeline("browser-zh", bounded("browser-zh"));
    long id = pipelineId("browser-zh");
    Page page = signInAdmin();
    page.navigate(base() + "/pipelines/" + id + "/overview");
    assertThat(page.getByTestId("action-start")).hasText("Start");
    assertThat(page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Savepoints")))
        .isVisible();

    page.getByTestId("language").click();
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("简体中文")).click();
    assertChinese(page);
    shot(page, "8-zh");

    page.reload();
    assertChinese(page);
  }

  private static void assertChinese(Page page) {
    assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
    assertThat(page.getByTestId("pipeline-name")).hasText("browser-zh");
    assertThat(
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("管道").setExact(true)))
        .isVisible();
    // antd spaces out a two-character Chinese label
    assertThat(page.getByTestId("action-start")).hasText(Pattern.compile("^启\\s?动$"));
    assertThat(page.getByTestId("sign-out")).hasText("退出登录");
    assertThat(page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("保存点")))
        .isVisible();
    assertThat(page.getByTestId("language")).hasText("简体中文");
  }

  // 9. the event stream is cut, a run changes meanwhile, and the page shows it once the stream is
  // back
  @Test
  void aChangeMadeWhileTheEventStreamWasDownShowsOnceItReconnects() throws Exception {
    expectFailedLoads("net::ERR_");
    pipeline("browser-live-1", bounded("browser-live-1"));
    pipeline("browser-live-2", bounded("browser-live-2"));
    List<String> lastEventIds = new CopyOnWriteArrayList<>();
    // the browser reaches the console through a line the test can cut (open streams included)
    try (CuttableProxy line = new CuttableProxy(console.app().port())) {
      String base = "http://127.0.0.1:" + line.port();
      Page page = signIn(context, base, "admin", TestConsole.ADMIN_PASSWORD);
      page.onRequest(
          r -> {
            if (r.url().endsWith("/api/v1/events")) {
              lastEventIds.add(String.valueOf(r.headers().get("last-event-id")));
            }
          });
      page.navigate(base + "/pipelines");
      Locator live = page.getByTestId("live-status");
      assertThat(live).hasAttribute("data-status", "live");
      Locator first = row(page, "browser-live-1");
      Locator second = row(page, "browser-live-2");
      assertThat(second).hasAttribute("data-state", "NONE");
      markDocument(page);

      // a change while connected arrives as an event (its id is what the stream resumes from)
      String run1 =
          http.post("/api/v1/pipelines/browser-live-1/runs", operator, new JsonObject())
              .header("Location");
      waitForState(run1, "FINISHED");
      assertThat(first).hasAttribute("data-state", "FINISHED", stateTimeout());

      line.cut();
      assertThat(live).not().hasAttribute("data-status", "live");
      String run2 =
          http.post("/api/v1/pipelines/browser-live-2/runs", operator, new JsonObject())
              .header("Location");
      waitForState(run2, "FINISHED");
      assertThat(second).hasAttribute("data-state", "NONE");
      shot(page, "9-offline");

      line.restore();
      assertThat(live)
          .hasAttribute(
              "data-status",
              "live",
              new LocatorAssertions.HasAttributeOptions().setTimeout(STATE_TIMEOUT_MS));
      assertThat(second).hasAttribute("data-state", "FINISHED", stateTimeout());
      assertSameDocument(page);
      String resumedFrom = lastEventIds.get(lastEventIds.size() - 1);
      assertTrue(
          resumedFrom.matches("\\d+"), "the stream resumed with Last-Event-ID: " + lastEventIds);
      assertFalse(
          lastEventIds.get(0).matches("\\d+"),
          "the first connection has no Last-Event-ID: " + lastEventIds);
      shot(page, "9-back");
    }
  }

  // 10. the dialogs work with the keyboard: opened from a focused action, focus kept inside, Escape
  // gives it back
  @Test
  void theStartDialogWorksWithTheKeyboardAlone() {
    pipeline("browser-keys", bounded("browser-keys"));
    Page page = signInAdmin();
    page.navigate(base() + "/pipelines?name=browser-keys");
    Locator rowStart = page.getByTestId("pipelines-table").getByTestId("action-start");
    assertThat(rowStart).hasCount(1);
    rowStart.focus();
    page.keyboard().press("Enter");
    Locator dialog = page.getByRole(AriaRole.DIALOG);
    assertThat(dialog).isVisible();
    assertTrue(focusInside(page, ".ant-modal"), "opening the dialog moves the focus into it");
    // Tab cycles through the dialog and never reaches the page behind it (antd's trap passes
    // through the document
    // body for one step on its way back to the first control)
    int inside = 0;
    for (int i = 0; i < 14; i++) {
      page.keyboard().press("Tab");
      assertFalse(
          focusBehindTheDialog(page), "Tab " + (i + 1) + " reached the page behind the dialog");
      inside += focusInside(page, ".ant-modal") ? 1 : 0;
    }
    assertTrue(inside >= 12, "the focus stayed in the dialog " + inside + " of 14 Tabs");
    page.keyboard().press("Escape");
    assertThat(dialog).isHidden();
    assertTrue(
        (Boolean) page.evaluate("() => document.activeElement?.dataset.testid === 'action-start'"),
        "Escape returns the focus to the action that opened the dialog");

    // open it again with the space bar and start with the keyboard: Tab to the dialog's Start, then
    // Enter
    page.keyboard().press(" ");
    assertThat(dialog).isVisible();
    for (int i = 0;
        i < 12
            && !(Boolean)
                page.evaluate("() => document.activeElement?.dataset.testid === 'start-confirm'");
        i++) {
      page.keyboard().press("Tab");
    }
    assertThat(page.getByTestId("start-confirm")).isFocused();
    page.keyboard().press("Enter");
    assertThat(dialog).isHidden();
    JsonObject runs = http.get("/api/v1/pipelines/browser-keys/runs", operator).json();
    assertEquals(1, runs.getJsonArray("items").size(), runs.encodePrettily());
  }

  private static boolean focusBehindTheDialog(Page page) {
    return (Boolean)
        page.evaluate(
            "() => { const e = document.activeElement;"
                + " return !!e && e !== document.body && !e.closest('.ant-modal'); }");
  }

  private static boolean focusInside(Page page, String selector) {
    return (Boolean) page.evaluate("(s) => !!document.activeElement?.closest(s)", selector);
  }

  private static Locator row(Page page, String pipeline) {
    return page.getByTestId("pipelines-table")
        .locator("tr")
        .filter(new Locator.FilterOptions().setHasText(pipeline))
        .getByTestId("state-badge");
  }
}
