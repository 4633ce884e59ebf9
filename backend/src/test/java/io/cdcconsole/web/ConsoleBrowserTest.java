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
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The console in a real Chromium (Debian's, never a downloaded one) against a real server. */
@ExtendWith(VertxExtension.class)
class ConsoleBrowserTest {
  private static TestConsole console;
  private static Playwright playwright;
  private static Browser browser;

  @BeforeAll
  static void start(Vertx vertx) {
    assertTrue(
        ConsoleBrowserTest.class.getClassLoader().getResource("webroot/index.html") != null,
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
  void signInShowsWhoIAmAndABookmarkedDeepLinkSurvives() throws Exception {
    String base = "http://127.0.0.1:" + console.app().port();
    try (var context = browser.newContext()) {
      Page page = context.newPage();
      page.navigate(base + "/pipelines/orders/versions");
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
      assertEquals(
          base + "/pipelines/orders/versions", page.url(), "back where the user was headed");

      page.reload();
      assertThat(page.getByTestId("me-username")).hasText("admin");
      Path shots = Path.of("target", "screenshots");
      Files.createDirectories(shots);
      page.screenshot(
          new Page.ScreenshotOptions().setPath(shots.resolve("signed-in.png")).setFullPage(true));

      page.getByTestId("sign-out").click();
      assertThat(page.getByTestId("login-submit")).isVisible();
    }
  }
}
