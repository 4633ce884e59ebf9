package io.cdcconsole.ds;

import io.vertx.core.json.JsonObject;

/**
 * What a test of a DS connection found: reachable (DS answered at all), authenticated (the token
 * signs in) and as whom; {@code httpStatus} only when DS refused the token.
 */
record DsConnectionCheck(
    String connection,
    String url,
    String version,
    boolean reachable,
    boolean authenticated,
    String user,
    Integer httpStatus,
    String message) {

  static DsConnectionCheck signedIn(DsConnection c, String user) {
    return new DsConnectionCheck(
        c.name(),
        c.url(),
        c.version(),
        true,
        true,
        user,
        null,
        "Signed in to DolphinScheduler as " + (user == null ? "?" : user) + ".");
  }

  static DsConnectionCheck refused(DsConnection c, int httpStatus, String message) {
    return new DsConnectionCheck(
        c.name(), c.url(), c.version(), true, false, null, httpStatus, message);
  }

  static DsConnectionCheck unreachable(DsConnection c, String message) {
    return new DsConnectionCheck(c.name(), c.url(), c.version(), false, false, null, null, message);
  }

  JsonObject toJson() {
    JsonObject out =
        new JsonObject()
            .put("connection", connection)
            .put("url", url)
            .put("version", version)
            .put("reachable", reachable)
            .put("authenticated", authenticated);
    if (authenticated) {
      out.put("user", user);
    }
    if (httpStatus != null) {
      out.put("httpStatus", httpStatus);
    }
    return out.put("message", message);
  }
}
