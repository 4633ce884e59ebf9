package io.cdcconsole.pipeline;

import io.cdcconsole.access.Role;
import io.cdcconsole.store.Page;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.Query;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /connectors}: the connector catalogue (what each source and sink requires and which
 * options are secret), and {@code GET /templates}: pipeline definitions to start from. Both are
 * fixed while the console runs.
 */
public final class ConnectorRoutes {
  private final JsonArray connectors;
  private final JsonArray secretKeyPatterns;
  private final JsonArray endpointKeyPatterns;
  private final JsonArray templates;

  public ConnectorRoutes(ConnectorCatalog catalog, PipelineTemplates templates) {
    this.connectors = new JsonArray();
    catalog
        .connectors()
        .forEach(
            c -> {
              JsonObject json = c.toJson();
              json.put("secret", json.remove("secrets"));
              connectors.add(json);
            });
    this.secretKeyPatterns = new JsonArray(catalog.secretKeyPatterns());
    this.endpointKeyPatterns = new JsonArray(catalog.endpointKeyPatterns());
    this.templates = new JsonArray();
    templates.all().forEach(t -> this.templates.add(t.toJson()));
  }

  public void addRoutes(ApiRouter api) {
    // lists like every other (limit, offset); the whole catalogue fits the default page
    api.get(
        "/connectors",
        Role.VIEWER,
        ctx ->
            ApiRouter.json(
                ctx,
                200,
                Page.slice(connectors, Query.page(ctx))
                    .toJson(c -> c)
                    .put("secretKeyPatterns", secretKeyPatterns.copy())
                    .put("endpointKeyPatterns", endpointKeyPatterns.copy())));
    api.get(
        "/templates",
        Role.VIEWER,
        ctx -> ApiRouter.json(ctx, 200, Page.slice(templates, Query.page(ctx)).toJson(t -> t)));
  }
}
