package io.cdcconsole.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The console in a real Chromium (Debian's, never a downloaded one) against a real server. */
@ExtendWith(VertxExtension.class)
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CDC_TEST_CHROMIUM", "/usr/bin/chromium"));

  private static TestConsole console;
  private static Playwright playwright;
  private static Browser browser;

  @BeforeAll
  static void start(Vertx vertx) {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium (.ci/run does)");
    assertTrue(ConsoleBrowserTest.class.getClassLoader().getResource("webroot/index.html") != null,
        "the SPA is not on the classpath: build without -Dskip.frontend");
    console = TestConsole.start(vertx);
    // Playwright's assertions wait for the page; their default (5 s) is too short for a busy machine. Generous, since
    // a page that gets there never waits for the bound.
    PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(CHROMIUM)
        .setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run")));
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
  void signInShowsWhoIAmAndABookmarkedDeepLinkSurvives() throws Exception {
    String base = "http://127.0.0.1:" + console.app().port();
    try (var context = browser.newContext()) {
      Page page = context.newPage();
      page.navigate(base + "/pipelines/orders");
      // not signed in: the SPA sends us to the login page
      assertThat(page.getByTestId("login-submit")).isVisible();

      page.getByTestId("login-username").fill("admin");
      page.getByTestId("login-password").fill("not-the-password");
      page.getByTestId("login-submit").click();
      assertThat(page.getByTestId("login-error")).containsText("Invalid username or password");

      page.getByTestId("login-password").fill(TestConsole.ADMIN_PASSWORD);
      page.getByTestId("login-submit").click();
      assertThat(page.getByTestId("me-username")).hasText("admin");
      assertThat(page.getByTestId("me-role")).hasText("admin");
      assertEquals(base + "/pipelines/orders", page.url(), "back where the user was headed");

      page.reload();
      assertThat(page.getByTestId("me-username")).hasText("admin");
      Path shots = Path.of("target", "screenshots");
      Files.createDirectories(shots);
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("signed-in.png")).setFullPage(true));

      page.getByTestId("sign-out").click();
      assertThat(page.getByTestId("login-submit")).isVisible();
    }
  }
}
