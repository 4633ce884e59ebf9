package io.cdcconsole.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import io.cdcconsole.test.Chromium;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The administration pages in a real Chromium against a real console: users, API tokens, the audit
 * trail, named secrets and the audited reveal. Every response body the browser receives is
 * recorded, and after each test none may hold a test secret, apart from the one-time token secret
 * (in the answer that creates it) and the values of an audited reveal. No page error and no console
 * error either.
 */
class AdminConsoleBrowserTest extends ConsoleTest {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String OPERATOR = "olivia-ops";
  private static final String OPERATOR_PASSWORD = "Olivia-Browser-Pass-73";
  private static final String NAMED_SECRET = "Named-Browser-Secret-71";
  private static final String INLINE_SECRET = "Inline-Browser-Secret-72";

  private static Playwright playwright;
  private static Browser browser;
  private static long clusterId;

  private final List<String> pageProblems = new CopyOnWriteArrayList<>();

  /** Every response body the browser received: "METHOD url\nbody". */
  private final List<String> responses = new CopyOnWriteArrayList<>();

  private final java.util.Queue<Response> unread =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final List<BrowserContext> contexts = new ArrayList<>();

  /**
   * Chromium logs every failed fetch as a console error; a test names the refusals it causes on
   * purpose.
   */
  private final List<String> expectedFailedLoads = new CopyOnWriteArrayList<>();

  private String testName;
  private String tokenSecret;

  @BeforeAll
  static void startBrowser() throws Exception {
    assertNotNull(
        AdminConsoleBrowserTest.class.getClassLoader().getResource("webroot/index.html"),
        "the SPA is not on the classpath: build without -Dskip.frontend");
    Files.createDirectories(SHOTS);
    playwright = Chromium.playwright();
    browser = Chromium.launch(playwright);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // a cluster nobody answers for: these pages never talk to Flink
    clusterId =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "admin-pages")
                    .put("restUrl", "http://127.0.0.1:" + port)
                    .put("cdc", new JsonObject().put("version", "3.2.0")))
            .json()
            .getLong("id");
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
  void name(TestInfo info) {
    testName = info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void checkWhatTheBrowserSaw() {
    readBodies();
    contexts.forEach(BrowserContext::close);
    contexts.clear();
    assertEquals(List.of(), pageProblems, "uncaught page errors or console errors in " + testName);
    assertFalse(responses.isEmpty(), "the responses were recorded");
    for (String r : responses) {
      String request = r.substring(0, r.indexOf('\n'));
      boolean reveal = request.startsWith("POST ") && request.endsWith("/reveal");
      assertFalse(r.contains(OPERATOR_PASSWORD), "a password reached the browser in " + request);
      if (!reveal) {
        assertFalse(
            r.contains(NAMED_SECRET), "a named secret's value reached the browser in " + request);
        assertFalse(
            r.contains(INLINE_SECRET), "a pipeline secret reached the browser in " + request);
      }
      if (tokenSecret != null && !request.equals("POST " + base() + "/api/v1/tokens")) {
        assertFalse(
            r.contains(tokenSecret), "the token secret reached the browser again in " + request);
      }
    }
  }

  private BrowserContext newContext(String locale) {
    BrowserContext c = browser.newContext(new Browser.NewContextOptions().setLocale(locale));
    c.setDefaultTimeout(30_000);
    c.grantPermissions(
        List.of("clipboard-read", "clipboard-write"),
        new BrowserContext.GrantPermissionsOptions().setOrigin(base()));
    if (locale.startsWith("zh")) {
      c.addInitScript("window.localStorage.setItem('cdc-console.lang', 'zh-CN')");
    }
    c.onWebError(e -> pageProblems.add("page error: " + e.error()));
    c.onConsoleMessage(
        m -> {
          String where = m.text() + " at " + m.location();
          if ("error".equals(m.type()) && expectedFailedLoads.stream().noneMatch(where::contains)) {
            pageProblems.add("console error: " + m.text() + " at " + m.location());
          }
        });
    c.onResponse(unread::add);
    contexts.add(c);
    return c;
  }

  /**
   * Bodies are read outside the event (a Playwright call made inside an event handler can wait for
   * ever), before each navigation and at the end of the test, while the page still holds them. The
   * event stream never ends; it carries run states and cluster health only.
   */
  private void readBodies() {
    for (Response response; (response = unread.poll()) != null; ) {
      if (response.url().contains("/api/v1/events")) {
        continue;
      }
      String body;
      try {
        body = response.text();
      } catch (RuntimeException e) {
        body = ""; // a redirect has no body
      }
      responses.add(response.request().method() + " " + response.url() + "\n" + body);
    }
  }

  private void navigate(Page page, String url) {
    readBodies();
    page.navigate(url);
  }

  private void reload(Page page) {
    readBodies();
    page.reload();
  }

  private String base() {
    return "http://127.0.0.1:" + console.app().port();
  }

  private Page signIn(BrowserContext c, String username, String password) {
    Page page = c.newPage();
    page.navigate(base() + "/login");
    page.getByTestId("login-username").fill(username);
    page.getByTestId("login-password").fill(password);
    page.getByTestId("login-submit").click();
    assertThat(page.getByTestId("me-username")).hasText(username);
    return page;
  }

  private void shot(Page page, String name) {
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("admin-" + name + ".png"))
            .setFullPage(true));
  }

  /** Opens a page of the Administration submenu, as a user does: hover, then click. */
  private static void openAdminPage(Page page, String name) {
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Administration"))
        .hover();
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName(name)).click();
    // and moves on: the pointer leaves the menu, so its popup closes instead of covering the page
    page.mouse().move(0, 600);
    assertThat(page.locator(".ant-menu-submenu-popup:visible")).hasCount(0);
  }

  /** Picks an option of an antd Select. */
  private static void choose(Page page, Locator select, String option) {
    select.click();
    page.locator(".ant-select-dropdown:visible .ant-select-item-option[title='" + option + "']")
        .click();
  }

  // an admin creates an operator and a scoped token; the secret is shown once; the operator sees
  // only what an
  // operator may; the audit page finds those actions and exports them
  @Test
  void anAdminSetsUpAnOperatorAndAScopedTokenAndTheAuditFindsAndExportsIt() throws Exception {
    http.post(
        "/api/v1/pipelines",
        admin,
        new JsonObject()
            .put("name", "orders-scoped")
            .put("clusterId", clusterId)
            .put("yaml", yaml("plain-" + "value-not-secret")));
    Page page = signIn(newContext("en-US"), "admin", TestConsole.ADMIN_PASSWORD);

    // the operator
    openAdminPage(page, "Users");
    assertThat(page.getByTestId("users-page")).isVisible();
    page.getByTestId("add-user").click();
    page.getByTestId("new-username").fill(OPERATOR);
    page.getByTestId("new-password").fill(OPERATOR_PASSWORD);
    choose(page, page.getByTestId("new-role"), "operator");
    page.getByTestId("create-user").click();
    Locator row = page.locator("tr", new Page.LocatorOptions().setHasText(OPERATOR));
    assertThat(row).containsText("operator");

    // the last admin cannot be demoted: the server says why, on the page
    expectedFailedLoads.add("status of 409 (Conflict) at " + base() + "/api/v1/users/");
    choose(page, page.getByTestId("role-admin"), "viewer");
    assertThat(page.getByTestId("problem")).containsText("'admin' is the last enabled admin");
    assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("you")))
        .containsText("admin");
    shot(page, "users");

    // a token scoped to a pipeline and a label, its secret read once through the copy button
    openAdminPage(page, "API tokens");
    page.getByTestId("add-token").click();
    page.getByTestId("token-name").fill("ds-orders");
    choose(page, page.getByTestId("token-role"), "operator");
    choose(page, page.getByTestId("token-expiry"), "30 days");
    page.getByTestId("token-pipelines").click();
    page.locator(".ant-select-dropdown:visible .ant-select-item-option[title='orders-scoped']")
        .click();
    page.keyboard().press("Escape");
    page.getByTestId("token-labels").fill("team=data");
    page.getByTestId("create-token").click();
    Locator secretBox = page.getByTestId("token-secret");
    assertThat(secretBox).containsText("cdc_");
    assertThat(page.getByRole(AriaRole.DIALOG)).containsText("It is shown only this once");
    tokenSecret = secretBox.locator("code").innerText().trim();
    secretBox.getByRole(AriaRole.BUTTON).click();
    assertEquals(
        tokenSecret,
        page.evaluate("() => navigator.clipboard.readText()"),
        "the copy button copies it");
    shot(page, "token-secret");
    page.getByTestId("token-done").click();
    assertThat(secretBox).hasCount(0);
    Locator tokenRow = page.locator("tr", new Page.LocatorOptions().setHasText("ds-orders"));
    assertThat(tokenRow).containsText("orders-scoped");
    assertThat(tokenRow).containsText("team=data");
    assertThat(tokenRow).containsText("not yet");
    assertFalse(page.content().contains(tokenSecret), "the secret is gone from the page");
    reload(page);
    assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("ds-orders"))).isVisible();
    assertFalse(page.content().contains(tokenSecret), "and does not come back");
    assertFalse(
        String.valueOf(
                page.evaluate(
                    "() => JSON.stringify({...sessionStorage}) + JSON.stringify({...localStorage})"))
            .contains(tokenSecret),
        "nor is it kept in the browser's storage");
    // the token works (where a scoped token works): its last use shows
    Http.Response status =
        http.send(
            "GET", "/api/v1/ds/status?pipeline=orders-scoped", null, null, "Bearer " + tokenSecret);
    assertEquals(200, status.status(), status.body());
    reload(page);
    assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("ds-orders")))
        .not()
        .containsText("not yet");
    shot(page, "tokens");

    // the operator: no admin pages in the menu, and a readable refusal at their addresses
    Page ops = signIn(newContext("en-US"), OPERATOR, OPERATOR_PASSWORD);
    ops.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Administration")).hover();
    assertThat(ops.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("API tokens")))
        .isVisible();
    assertThat(
            ops.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Named secrets")))
        .isVisible();
    assertThat(ops.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Users")))
        .hasCount(0);
    assertThat(ops.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Audit trail")))
        .hasCount(0);
    navigate(ops, base() + "/users");
    assertThat(ops.getByTestId("forbidden-page"))
        .containsText("This page is for users with the admin role; you have operator.");
    navigate(ops, base() + "/audit");
    assertThat(ops.getByTestId("forbidden-page")).containsText("admin role");
    shot(ops, "operator-forbidden");
    navigate(ops, base() + "/tokens");
    assertThat(ops.getByTestId("tokens-page")).isVisible();
    assertThat(ops.getByTestId("tokens-whose")).hasCount(0);
    navigate(ops, base() + "/pipelines/orders-scoped");
    assertThat(ops.getByTestId("pipeline-name")).hasText("orders-scoped");
    assertThat(ops.getByTestId("reveal-secrets")).hasCount(0);

    // the audit page finds those actions by filter and exports them
    openAdminPage(page, "Audit trail");
    page.getByTestId("audit-actor").fill("admin");
    page.getByTestId("audit-action").fill("user.");
    page.getByTestId("audit-apply").click();
    Locator table = page.getByTestId("audit-table");
    assertThat(table.locator("tbody tr", new Locator.LocatorOptions().setHasText("user.create")))
        .hasCount(1);
    assertThat(
            table
                .locator("tbody tr", new Locator.LocatorOptions().setHasText("user.update"))
                .first())
        .isVisible();
    assertThat(table).not().containsText("token.create");
    table.locator("tbody tr", new Locator.LocatorOptions().setHasText("user.create")).click();
    assertThat(page.locator("[data-testid^=audit-detail-]")).containsText(OPERATOR);
    shot(page, "audit");

    Download download = page.waitForDownload(() -> page.getByTestId("audit-export").click());
    assertTrue(
        download.suggestedFilename().matches("audit-.*\\.csv"), download.suggestedFilename());
    String csv = Files.readString(download.path(), StandardCharsets.UTF_8);
    List<String> lines = csv.lines().toList();
    assertTrue(lines.get(0).startsWith("\"id\",\"at\",\"actor\",\"action\""), lines.get(0));
    assertTrue(
        lines.subList(1, lines.size()).stream().allMatch(l -> l.contains(",\"admin\",\"user.")),
        csv);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"user.create\"") && l.contains(OPERATOR)), csv);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"user.update\"") && l.contains("\"failure\"")),
        "the refused demotion is on record: " + csv);
    for (String secret : List.of(OPERATOR_PASSWORD, tokenSecret)) {
      assertFalse(csv.contains(secret), "a secret in the export");
    }

    page.getByTestId("audit-action").fill("token.");
    page.getByTestId("audit-apply").click();
    assertThat(table.locator("tbody tr", new Locator.LocatorOptions().setHasText("token.create")))
        .hasCount(1);
    assertTrue(
        page.url().contains("action=token."), "the filters are in the address: " + page.url());
  }

  // a named secret a pipeline uses cannot be deleted (the page lists the pipeline); the reveal is
  // asked for and audited
  @Test
  void aNamedSecretInUseCannotBeDeletedAndARevealIsConfirmedAndAudited() {
    Page page = signIn(newContext("en-US"), "admin", TestConsole.ADMIN_PASSWORD);
    openAdminPage(page, "Named secrets");
    page.getByTestId("add-secret").click();
    page.getByTestId("secret-name").fill("warehouse-db");
    page.getByTestId("secret-value").fill(NAMED_SECRET);
    page.getByTestId("secret-description").fill("the warehouse's MySQL");
    page.getByTestId("secret-save").click();
    Locator row = page.locator("tr", new Page.LocatorOptions().setHasText("warehouse-db"));
    assertThat(row).containsText("${secret:warehouse-db}");
    assertThat(row).containsText("no pipeline");

    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", "orders-named")
                .put("clusterId", clusterId)
                .put("yaml", yaml("${secret:warehouse-db}")));
    assertEquals(201, created.status(), created.body());
    reload(page);
    assertThat(page.getByTestId("used-by-warehouse-db")).containsText("orders-named");
    assertThat(page.getByTestId("delete-warehouse-db")).isDisabled();
    page.getByTestId("delete-warehouse-db").hover(new Locator.HoverOptions().setForce(true));
    shot(page, "secrets");
    assertEquals(200, http.get("/api/v1/secrets", admin).status());
    assertEquals(
        409,
        http.delete(
                "/api/v1/secrets/warehouse-db",
                admin,
                http.etag("/api/v1/secrets/warehouse-db", admin))
            .status(),
        "the server refuses it too");

    // the reveal: a confirmation that says it is audited, then the values, gone when closed
    page.getByTestId("used-by-warehouse-db").getByText("orders-named").click();
    assertThat(page.getByTestId("pipeline-name")).hasText("orders-named");
    page.getByTestId("reveal-secrets").click();
    assertThat(page.locator(".ant-popconfirm"))
        .containsText("recorded in the audit trail under your name");
    page.getByTestId("reveal-confirm").click();
    Locator revealed = page.getByTestId("revealed");
    assertThat(revealed).containsText(NAMED_SECRET);
    assertThat(revealed).containsText(INLINE_SECRET);
    shot(page, "reveal");
    page.getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Close"))
        .last()
        .click();
    assertThat(revealed).hasCount(0);
    assertFalse(page.content().contains(NAMED_SECRET));

    navigate(page, base() + "/audit?action=pipeline.reveal");
    assertThat(
            page.getByTestId("audit-table")
                .locator(
                    "tbody tr", new Locator.LocatorOptions().setHasText("pipeline.reveal-secrets")))
        .hasCount(1);
  }

  // each new page in Chinese
  @Test
  void theNewPagesSpeakChinese() {
    Page page = signIn(newContext("zh-CN"), "admin", TestConsole.ADMIN_PASSWORD);
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("管理")).hover();
    assertThat(page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("用户")))
        .isVisible();
    assertThat(page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("审计记录")))
        .isVisible();
    navigate(page, base() + "/users");
    assertThat(page.getByTestId("add-user")).hasText("添加用户");
    shot(page, "users-zh");
    navigate(page, base() + "/tokens");
    assertThat(page.getByTestId("add-token")).hasText("创建令牌");
    navigate(page, base() + "/audit");
    assertThat(page.getByTestId("audit-export")).hasText("导出 CSV");
    shot(page, "audit-zh");
    navigate(page, base() + "/secrets");
    assertThat(page.getByTestId("add-secret")).hasText("添加密钥");
    http.post(
        "/api/v1/pipelines",
        admin,
        new JsonObject()
            .put("name", "orders-zh")
            .put("clusterId", clusterId)
            .put("yaml", yaml("plain-zh-value")));
    navigate(page, base() + "/pipelines/orders-zh");
    assertThat(page.getByTestId("reveal-secrets")).hasText("显示密钥");
    page.getByTestId("reveal-secrets").click();
    assertThat(page.locator(".ant-popconfirm")).containsText("审计记录");
  }

  private static String yaml(String sourcePassword) {
    return """
        source:
          type: mysql
          hostname: db.internal
          port: 3306
          username: cdc
          password: "%s"
          tables: shop.orders
        sink:
          type: doris
          fenodes: doris.internal:8030
          username: root
          password: "%s"
        pipeline:
          parallelism: 1
        """
        .formatted(sourcePassword, INLINE_SECRET);
  }
}
