import { call, ifMatch, query, request } from './client';
import type { Cluster, ClusterInput } from './types';

export const clustersApi = {
  list: (label?: string, signal?: AbortSignal) =>
    request<{ items: Cluster[]; total: number }>(`/clusters${query({ label })}`, { signal }),
  get: (id: number | string, signal?: AbortSignal) => call<Cluster>(`/clusters/${id}`, { signal }),
  create: (input: ClusterInput) => call<Cluster>('/clusters', { method: 'POST', body: input }),
  update: (id: number | string, input: ClusterInput, version: number) =>
    call<Cluster>(`/clusters/${id}`, { method: 'PUT', body: input, headers: ifMatch(version) }),
  /** 409 while pipelines use it; the problem then lists them as `pipelines: [{id, name}]`. */
  remove: (id: number | string) => request<void>(`/clusters/${id}`, { method: 'DELETE' }),
};
