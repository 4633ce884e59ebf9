import { request } from './client';
import type { Orphan, Run } from './types';

export const orphansApi = {
  list: (signal?: AbortSignal) => request<{ items: Orphan[]; total: number }>('/orphans', { signal }),
  adopt: (pipelineId: number | string, jobId: string) =>
    request<Run>(`/pipelines/${encodeURIComponent(String(pipelineId))}/adopt`, { method: 'POST', body: { jobId } }),
};
