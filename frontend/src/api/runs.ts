import { query, request } from './client';
import type { Ledger, Page, Run, StartOptions, StopOptions } from './types';

const pipe = (id: number | string) => `/pipelines/${encodeURIComponent(String(id))}`;

export const runsApi = {
  list: (pipelineId: number | string, limit = 20, offset = 0, signal?: AbortSignal) =>
    request<Page<Run>>(`${pipe(pipelineId)}/runs${query({ limit, offset })}`, { signal }),
  get: (runId: number | string, signal?: AbortSignal) => request<Run>(`/runs/${runId}`, { signal }),
  /** The key makes a repeated click (or a retry after a timeout) start one run, not two. */
  start: (pipelineId: number | string, options: StartOptions, idempotencyKey: string) =>
    request<Run>(`${pipe(pipelineId)}/runs`, {
      method: 'POST',
      body: options,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  cancel: (pipelineId: number | string) => request<Run>(`${pipe(pipelineId)}/cancel`, { method: 'POST' }),
  stop: (pipelineId: number | string, options: StopOptions) =>
    request<Run>(`${pipe(pipelineId)}/stop`, { method: 'POST', body: options }),
  savepoint: (pipelineId: number | string, targetDirectory?: string) =>
    request<Run>(`${pipe(pipelineId)}/savepoints`, {
      method: 'POST',
      body: targetDirectory ? { targetDirectory } : undefined,
    }),
  ledger: (pipelineId: number | string, signal?: AbortSignal) =>
    request<Ledger>(`${pipe(pipelineId)}/savepoints`, { signal }),
};
