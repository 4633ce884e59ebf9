package io.cdcconsole.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium under Playwright, headless, never a downloaded browser, with its background
 * traffic off.
 */
public final class Chromium {
  private static final Path EXECUTABLE =
      Path.of(System.getenv().getOrDefault("CDC_TEST_CHROMIUM", "/usr/bin/chromium"));

  private Chromium() {}

  public static Playwright playwright() {
    assertTrue(
        Files.isExecutable(EXECUTABLE),
        EXECUTABLE + " is missing: install Debian's chromium (.ci/run does)");
    // Playwright's assertions wait for the page; their default (5 s) is too short for a busy
    // machine. Generous, since
    // a page that gets there never waits for the bound.
    PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
    return Playwright.create(
        new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
  }

  public static Browser launch(Playwright playwright) {
    return playwright
        .chromium()
        .launch(
            new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                .setArgs(
                    List.of(
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run")));
  }
}
