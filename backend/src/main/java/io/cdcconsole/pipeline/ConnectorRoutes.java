package io.cdcconsole.pipeline;

import io.cdcconsole.auth.Role;
import io.cdcconsole.web.ApiRouter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /connectors}: the connector catalogue (what each source and sink requires and which options are
 * secret), and {@code GET /templates}: pipeline definitions to start from. Both are fixed while the console runs.
 */
public final class ConnectorRoutes {
  private final JsonObject connectors;
  private final JsonObject templates;

  public ConnectorRoutes(ConnectorCatalog catalog, PipelineTemplates templates) {
    JsonArray items = new JsonArray();
    catalog.connectors().forEach(c -> {
      JsonObject json = c.toJson();
      json.put("secret", json.remove("secrets"));
      items.add(json);
    });
    this.connectors = new JsonObject().put("items", items)
        .put("secretKeyPatterns", new JsonArray(catalog.secretKeyPatterns()));
    JsonArray all = new JsonArray();
    templates.all().forEach(t -> all.add(t.toJson()));
    this.templates = new JsonObject().put("items", all);
  }

  public void addRoutes(ApiRouter api) {
    api.get("/connectors", Role.VIEWER, ctx -> ApiRouter.json(ctx, 200, connectors));
    api.get("/templates", Role.VIEWER, ctx -> ApiRouter.json(ctx, 200, templates));
  }
}
