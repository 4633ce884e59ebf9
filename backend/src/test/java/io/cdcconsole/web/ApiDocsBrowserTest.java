package io.cdcconsole.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.cdcconsole.test.Chromium;
import io.cdcconsole.test.OpenApiContract;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /api/docs in a real Chromium (Debian's): Swagger UI renders every operation of the document, and
 * loads nothing from elsewhere.
 */
@ExtendWith(VertxExtension.class)
class ApiDocsBrowserTest {
  private static TestConsole console;
  private static Playwright playwright;
  private static Browser browser;

  @BeforeAll
  static void start(Vertx vertx) {
    playwright = Chromium.playwright();
    browser = Chromium.launch(playwright);
    console = TestConsole.start(vertx);
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
  void theReferenceShowsEveryOperation() throws Exception {
    String base = "http://127.0.0.1:" + console.app().port();
    List<String> elsewhere = new ArrayList<>();
    try (var context = browser.newContext()) {
      // nothing may leave the machine: any request to another origin is recorded and refused
      context.route(
          "**/*",
          route -> {
            if (route.request().url().startsWith(base + "/")) {
              route.resume();
            } else {
              elsewhere.add(route.request().url());
              route.abort();
            }
          });
      Page page = context.newPage();
      page.navigate(base + "/api/docs");
      assertThat(page.locator(".info .title")).containsText("CDC Console API");
      assertThat(page.locator(".opblock")).hasCount(OpenApiContract.get().operations().size());
      assertThat(page.locator(".opblock-summary-path[data-path='/pipelines/{id}/runs']"))
          .hasCount(2);
      Path shots = Path.of("target", "screenshots");
      Files.createDirectories(shots);
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("api-docs.png")));
    }
    assertTrue(elsewhere.isEmpty(), "requests to other origins: " + elsewhere);
  }
}
