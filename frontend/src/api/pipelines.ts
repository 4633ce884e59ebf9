import { body, http, ifMatch, unwrap } from './client';
import type { operations } from './schema.gen';
import type { PipelineInput, PipelineSpec } from './types';

/** GET /pipelines' query: name, cluster, label, state (comma-separated, NONE = never ran), stale, sort, paging. */
export type PipelineFilter = NonNullable<operations['listPipelines']['parameters']['query']>;

const id = (pipeline: number | string) => ({ path: { id: String(pipeline) } });

export const pipelinesApi = {
  list: (query: PipelineFilter, signal?: AbortSignal) => body(http.GET('/pipelines', { params: { query }, signal })),
  get: (p: number | string, signal?: AbortSignal) => unwrap(http.GET('/pipelines/{id}', { params: id(p), signal })),
  create: (input: PipelineSpec) => unwrap(http.POST('/pipelines', { body: input })),
  update: (p: number | string, input: PipelineInput, version: number) =>
    unwrap(http.PUT('/pipelines/{id}', { params: { ...id(p), header: ifMatch(version) }, body: input })),
  remove: (p: number | string, version: number) =>
    body(http.DELETE('/pipelines/{id}', { params: { ...id(p), header: ifMatch(version) } })),
  validate: (yaml: string, cluster?: string, signal?: AbortSignal) =>
    body(http.POST('/pipelines/validate', { body: { yaml, cluster }, signal })),
  versions: (p: number | string, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/versions', { params: id(p), signal })),
  version: (p: number | string, n: number, signal?: AbortSignal) =>
    body(http.GET('/pipelines/{id}/versions/{n}', { params: { path: { id: String(p), n } }, signal })),
  rollback: (p: number | string, n: number, version: number) =>
    unwrap(
      http.POST('/pipelines/{id}/versions/{n}/rollback', {
        params: { path: { id: String(p), n }, header: ifMatch(version) },
      }),
    ),
  exportYaml: (p: number | string) =>
    body(
      http.GET('/pipelines/{id}/export', {
        params: id(p),
        parseAs: 'text',
        headers: { Accept: 'application/yaml, application/problem+json' },
      }),
    ),
  /** The plaintext of the pipeline's secret values, by YAML path (admin; audited as pipeline.reveal). */
  reveal: (p: number | string) => body(http.POST('/pipelines/{id}/reveal', { params: id(p) })),
  importYaml: (text: string, name?: string, cluster?: string) =>
    unwrap(
      http.POST('/pipelines/import', {
        params: { query: { name, cluster } },
        body: text,
        bodySerializer: (b: string) => b,
        headers: { 'Content-Type': 'application/yaml' },
      }),
    ),
};
