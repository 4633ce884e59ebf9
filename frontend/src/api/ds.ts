import { body, http, ifMatch } from './client';
import type { DsConnectionInput, DsTriggerInput, DsVersion } from './types';

const pipeline = (p: number | string) => ({ id: String(p) });

/** DolphinScheduler: connections (admins), a pipeline's triggers and deliveries, and its HTTP task definitions. */
export const dsApi = {
  connections: (signal?: AbortSignal) =>
    body(http.GET('/ds-connections', { params: { query: { limit: 500 } }, signal })),
  createConnection: (input: DsConnectionInput) => body(http.POST('/ds-connections', { body: input })),
  /** `token` as the mask keeps the stored one; `revision` is the one read (412 when stale). */
  updateConnection: (name: string, input: Omit<DsConnectionInput, 'name'>, revision: number) =>
    body(http.PUT('/ds-connections/{name}', { params: { path: { name }, header: ifMatch(revision) }, body: input })),
  /** 409 while triggers use it. */
  removeConnection: (name: string, revision: number) =>
    body(http.DELETE('/ds-connections/{name}', { params: { path: { name }, header: ifMatch(revision) } })),
  testConnection: (name: string) => body(http.POST('/ds-connections/{name}/test', { params: { path: { name } } })),

  triggers: (p: number | string, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/triggers', { params: { path: pipeline(p), query: { limit: 500 } }, signal })),
  createTrigger: (p: number | string, input: DsTriggerInput) =>
    body(http.POST('/pipelines/{id}/triggers', { params: { path: pipeline(p) }, body: input })),
  updateTrigger: (p: number | string, triggerId: number, input: DsTriggerInput, version: number) =>
    body(
      http.PUT('/pipelines/{id}/triggers/{triggerId}', {
        params: { path: { ...pipeline(p), triggerId }, header: ifMatch(version) },
        body: input,
      }),
    ),
  removeTrigger: (p: number | string, triggerId: number, version: number) =>
    body(
      http.DELETE('/pipelines/{id}/triggers/{triggerId}', {
        params: { path: { ...pipeline(p), triggerId }, header: ifMatch(version) },
      }),
    ),

  deliveries: (p: number | string, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/deliveries', { params: { path: pipeline(p), query: { limit: 200 } }, signal })),
  retryDelivery: (p: number | string, deliveryId: number) =>
    body(
      http.POST('/pipelines/{id}/deliveries/{deliveryId}/retry', { params: { path: { ...pipeline(p), deliveryId } } }),
    ),

  snippet: (p: number | string, version: DsVersion, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/ds-snippet', { params: { path: pipeline(p), query: { version } }, signal })),

  // The token a DS task sends: the caller's own tokens to choose from, or a new one scoped to the pipeline.
  // (The token pages use the same two calls.)
};
