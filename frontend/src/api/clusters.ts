import { body, http, ifMatch, unwrap } from './client';
import type { ClusterInput } from './types';

const id = (cluster: number | string) => ({ path: { id: String(cluster) } });

export const clustersApi = {
  list: (label?: string, signal?: AbortSignal) => body(http.GET('/clusters', { params: { query: { label } }, signal })),
  get: (c: number | string, signal?: AbortSignal) => unwrap(http.GET('/clusters/{id}', { params: id(c), signal })),
  create: (input: ClusterInput) => unwrap(http.POST('/clusters', { body: input })),
  update: (c: number | string, input: ClusterInput, version: number) =>
    unwrap(http.PUT('/clusters/{id}', { params: { ...id(c), header: ifMatch(version) }, body: input })),
  /** The default interval of periodic savepoints for the cluster's pipelines (null: none). */
  schedule: (c: number | string, signal?: AbortSignal) =>
    body(http.GET('/clusters/{id}/savepoint-schedule', { params: id(c), signal })),
  setSchedule: (c: number | string, interval: string | null) =>
    body(http.PUT('/clusters/{id}/savepoint-schedule', { params: id(c), body: { interval } })),
  /** 409 while pipelines use it; the problem then lists them as `pipelines: [{id, name}]`. 412 when `version` is stale. */
  remove: (c: number | string, version: number) =>
    body(http.DELETE('/clusters/{id}', { params: { ...id(c), header: ifMatch(version) } })),
};
