package io.cdcconsole.test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

/** Picking an option of an antd Select in a browser test. */
public final class AntSelect {
  private static final int ATTEMPTS = 3;

  private AntSelect() {}

  /**
   * Opens {@code select}, clicks the option titled {@code title} and waits until the select shows
   * {@code shown}. A click on a loaded machine can land while the dropdown still animates in and be
   * lost (a suite run saw the form saved with the default): then the dropdown is closed and it is
   * tried again, at most three times.
   */
  public static void choose(Page page, Locator select, String title, String shown) {
    for (int attempt = 1; ; attempt++) {
      select.click();
      page.locator(".ant-select-dropdown:visible .ant-select-item-option[title='" + title + "']")
          .click();
      try {
        assertThat(select)
            .containsText(shown, new LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
        return;
      } catch (AssertionError lost) {
        if (attempt == ATTEMPTS) {
          throw lost;
        }
        page.keyboard().press("Escape");
      }
    }
  }
}
