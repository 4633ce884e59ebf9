import { body, http } from './client';
import type { StartOptions, StopOptions } from './types';

const id = (pipeline: number | string) => ({ path: { id: String(pipeline) } });

export const runsApi = {
  list: (p: number | string, limit = 20, offset = 0, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/runs', { params: { ...id(p), query: { limit, offset } }, signal })),
  get: (runId: number | string, signal?: AbortSignal) =>
    body(http.GET('/runs/{runId}', { params: { path: { runId: Number(runId) } }, signal })),
  /** The key makes a repeated click (or a retry after a timeout) start one run, not two. */
  start: (p: number | string, options: StartOptions, idempotencyKey: string) =>
    body(
      http.POST('/pipelines/{id}/runs', {
        params: { ...id(p), header: { 'Idempotency-Key': idempotencyKey } },
        body: options,
      }),
    ),
  cancel: (p: number | string) => body(http.POST('/pipelines/{id}/cancel', { params: id(p) })),
  stop: (p: number | string, options: StopOptions) =>
    body(http.POST('/pipelines/{id}/stop', { params: id(p), body: options })),
  savepoint: (p: number | string, targetDirectory?: string) =>
    body(
      http.POST('/pipelines/{id}/savepoints', {
        params: id(p),
        body: targetDirectory ? { targetDirectory } : undefined,
      }),
    ),
  /** The run's measured points since a time (health history), with its current verdict. */
  metrics: (runId: number | string, since: string, signal?: AbortSignal) =>
    body(http.GET('/runs/{runId}/metrics', { params: { path: { runId: Number(runId) }, query: { since } }, signal })),
  ledger: (p: number | string, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/savepoints', { params: id(p), signal })),
  /** Periodic savepoints: the pipeline's own interval ("off", a duration, or null for the cluster's default). */
  schedule: (p: number | string, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/savepoint-schedule', { params: id(p), signal })),
  setSchedule: (p: number | string, interval: string | null) =>
    body(http.PUT('/pipelines/{id}/savepoint-schedule', { params: id(p), body: { interval } })),
};
