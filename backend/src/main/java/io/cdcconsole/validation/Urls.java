package io.cdcconsole.validation;

import io.cdcconsole.error.ValidationFailed;
import java.net.URI;
import java.net.URISyntaxException;

/** Rules for the URLs admins register (Flink REST endpoints, DolphinScheduler servers). */
public final class Urls {
  private Urls() {}

  /**
   * Refuses a URL that carries credentials ({@code http://user:password@host}): a URL is shown to
   * every viewer and kept in the audit trail, while credentials belong in the encrypted {@code
   * auth} (or token) fields. Checked before the URL is audited. Text that is not a URL passes: the
   * caller's own checks answer for it.
   */
  public static String withoutCredentials(String field, String url, String instead) {
    if (url == null) {
      return null;
    }
    String userInfo;
    try {
      userInfo = new URI(url.trim()).getRawUserInfo();
    } catch (URISyntaxException e) {
      // not parseable; still refuse anything that looks like userinfo before the host
      int scheme = url.indexOf("://");
      String rest = scheme < 0 ? url : url.substring(scheme + 3);
      int slash = rest.indexOf('/');
      userInfo = (slash < 0 ? rest : rest.substring(0, slash)).contains("@") ? "?" : null;
    }
    if (userInfo != null) {
      throw ValidationFailed.of(
          field, "must not carry credentials (user:password@host); " + instead);
    }
    return url;
  }
}
