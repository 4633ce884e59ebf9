import { body, http, ifMatch, unwrap } from './client';
import type { operations } from './schema.gen';
import type { Page, Pipeline, PipelineInput } from './types';

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

type ListQuery = NonNullable<operations['listPipelines']['parameters']['query']>;
const id = (pipeline: number | string) => ({ path: { id: String(pipeline) } });

export const pipelinesApi = {
  // state, stale and sort are served (branch live) but not yet in the OpenAPI document.
  list: (f: PipelineFilter, signal?: AbortSignal) =>
    body(http.GET('/pipelines', { params: { query: { ...f, stale: f.stale ? true : undefined } as ListQuery }, signal })) as Promise<
      Page<Pipeline>
    >,
  get: (p: number | string, signal?: AbortSignal) => unwrap(http.GET('/pipelines/{id}', { params: id(p), signal })),
  create: (input: PipelineInput) => unwrap(http.POST('/pipelines', { body: input as never })),
  update: (p: number | string, input: PipelineInput, version: number) =>
    unwrap(http.PUT('/pipelines/{id}', { params: { ...id(p), header: ifMatch(version) }, body: input })),
  remove: (p: number | string) => body(http.DELETE('/pipelines/{id}', { params: id(p) })),
  validate: (yaml: string, cluster?: string, signal?: AbortSignal) =>
    body(http.POST('/pipelines/validate', { body: { yaml, cluster }, signal })),
  versions: (p: number | string, signal?: AbortSignal) => body(http.GET('/pipelines/{id}/versions', { params: id(p), signal })),
  version: (p: number | string, n: number, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/versions/{n}', { params: { path: { id: String(p), n } }, signal })),
  rollback: (p: number | string, n: number, version: number) =>
    unwrap(http.POST('/pipelines/{id}/versions/{n}/rollback', { params: { path: { id: String(p), n }, header: ifMatch(version) } })),
  exportYaml: (p: number | string) =>
    body(http.GET('/pipelines/{id}/export', { params: id(p), parseAs: 'text', headers: { Accept: 'application/yaml, application/problem+json' } })),
  importYaml: (text: string, name?: string, cluster?: string) =>
    unwrap(
      http.POST('/pipelines/import', {
        params: { query: { name, cluster } } as never,
        body: text,
        bodySerializer: (b: string) => b,
        headers: { 'Content-Type': 'application/yaml' },
      }),
    ),
};
