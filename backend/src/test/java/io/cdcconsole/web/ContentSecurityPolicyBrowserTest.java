package io.cdcconsole.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.cdcconsole.test.Chromium;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console under its Content-Security-Policy (security review L7) in a real Chromium: every
 * page, the YAML editor (CodeMirror), the overview's charts and the API docs (Swagger UI) render
 * without a single CSP violation, while an inline script injected into the page is refused.
 */
@ExtendWith(VertxExtension.class)
class ContentSecurityPolicyBrowserTest {
  private static TestConsole console;
  private static Playwright playwright;
  private static Browser browser;

  @BeforeAll
  static void start(Vertx vertx) {
    assertTrue(
        ContentSecurityPolicyBrowserTest.class.getClassLoader().getResource("webroot/index.html")
            != null,
        "the SPA is not on the classpath: build without -Dskip.frontend");
    console = TestConsole.start(vertx);
    playwright = Chromium.playwright();
    browser = Chromium.launch(playwright);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (console != null) {
      console.close();
    }
  }

  @Test
  void everyPageRendersWithoutACspViolation() {
    String admin = console.adminToken();
    long cluster =
        console
            .http()
            .post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "c-csp")
                    .put("restUrl", "http://127.0.0.1:1")
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    assertEquals(
        201,
        console
            .http()
            .post(
                "/api/v1/pipelines",
                admin,
                new JsonObject()
                    .put("name", "p-csp")
                    .put("clusterId", cluster)
                    .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"))
            .status());
    String base = "http://127.0.0.1:" + console.app().port();
    List<String> violations = new CopyOnWriteArrayList<>();
    try (Page page = browser.newPage()) {
      page.onConsoleMessage(
          m -> {
            if (m.text().contains("Content Security Policy")) {
              violations.add(page.url() + ": " + m.text());
            }
          });
      page.onPageError(e -> violations.add(page.url() + ": page error " + e));
      page.navigate(base + "/pipelines");
      page.getByTestId("login-username").fill("admin");
      page.getByTestId("login-password").fill(TestConsole.ADMIN_PASSWORD);
      page.getByTestId("login-submit").click();
      assertThat(page.getByTestId("me-username")).hasText("admin");
      assertThat(page.getByText("p-csp").first()).isVisible();
      for (String path :
          List.of(
              "/",
              "/pipelines/new",
              "/pipelines/p-csp",
              "/pipelines/p-csp/yaml",
              "/clusters",
              "/clusters/" + cluster,
              "/users",
              "/tokens",
              "/audit",
              "/secrets",
              "/ds-connections",
              "/me")) {
        page.navigate(base + path);
        assertThat(page.getByTestId("me-username")).hasText("admin");
        // the event stream keeps the network busy, so no "network idle": give lazy chunks and
        // styles a moment
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.LOAD);
        page.waitForTimeout(1000);
      }
      page.navigate(base + "/api/docs/");
      assertThat(page.locator(".swagger-ui .info")).isVisible();
      assertEquals(List.of(), violations);

      // and the policy does bite: an injected inline script does not run
      page.navigate(base + "/me");
      assertThat(page.getByTestId("me-username")).hasText("admin");
      page.evaluate(
          "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
              + " document.body.appendChild(s); }");
      assertEquals(Boolean.FALSE, page.evaluate("() => window.injected === 1"));
      assertTrue(
          violations.stream().anyMatch(v -> v.contains("Content Security Policy")),
          violations.toString());
    }
  }
}
