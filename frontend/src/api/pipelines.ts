import { call, ifMatch, query, request } from './client';
import type { Page, Pipeline, PipelineInput, PipelineVersion, Validation } from './types';

export interface PipelineFilter {
  name?: string;
  cluster?: string;
  label?: string;
  /** Comma-separated run states; NONE = never run. */
  state?: string;
  stale?: boolean;
  sort?: string;
  limit?: number;
  offset?: number;
}

const path = (id: number | string) => `/pipelines/${encodeURIComponent(String(id))}`;

export const pipelinesApi = {
  list: (f: PipelineFilter, signal?: AbortSignal) =>
    request<Page<Pipeline>>(`/pipelines${query({ ...f, stale: f.stale ? true : undefined })}`, { signal }),
  get: (id: number | string, signal?: AbortSignal) => call<Pipeline>(path(id), { signal }),
  create: (input: PipelineInput) => call<Pipeline>('/pipelines', { method: 'POST', body: input }),
  update: (id: number | string, input: PipelineInput, version: number) =>
    call<Pipeline>(path(id), { method: 'PUT', body: input, headers: ifMatch(version) }),
  remove: (id: number | string) => request<void>(path(id), { method: 'DELETE' }),
  validate: (yaml: string, cluster?: string, signal?: AbortSignal) =>
    request<Validation>('/pipelines/validate', { method: 'POST', body: { yaml, cluster }, signal }),
  versions: (id: number | string, signal?: AbortSignal) =>
    request<{ items: PipelineVersion[]; total: number }>(`${path(id)}/versions`, { signal }),
  version: (id: number | string, n: number, signal?: AbortSignal) =>
    request<PipelineVersion>(`${path(id)}/versions/${n}`, { signal }),
  rollback: (id: number | string, n: number, version: number) =>
    call<Pipeline>(`${path(id)}/versions/${n}/rollback`, { method: 'POST', headers: ifMatch(version) }),
  exportYaml: (id: number | string) => request<string>(`${path(id)}/export`, { text: true }),
  importYaml: (text: string, name?: string, cluster?: string) =>
    call<Pipeline>(`/pipelines/import${query({ name, cluster })}`, {
      method: 'POST',
      body: text,
      contentType: 'application/yaml',
    }),
};
