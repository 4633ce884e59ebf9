import { body, http } from './client';

export const orphansApi = {
  list: (signal?: AbortSignal) => body(http.GET('/orphans', { signal })),
  adopt: (pipelineId: number | string, jobId: string) =>
    body(http.POST('/pipelines/{id}/adopt', { params: { path: { id: String(pipelineId) } }, body: { jobId } })),
};
