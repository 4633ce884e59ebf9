// Query keys, one tree per resource, so that a change can invalidate exactly what it touches.
import type { AuditFilter } from '../api/audit';
import type { PipelineFilter } from '../api/pipelines';

export const keys = {
  me: ['me'] as const,
  overview: ['overview'] as const,
  /** Every transition feed; one feed is transitions(pipeline) plus its limit. */
  feeds: ['transitions'] as const,
  transitions: (pipeline?: string) => ['transitions', pipeline ?? null] as const,
  pipelines: {
    all: ['pipelines'] as const,
    list: (f: PipelineFilter) => ['pipelines', 'list', f] as const,
    one: (id: number | string) => ['pipelines', 'one', String(id)] as const,
    versions: (id: number | string) => ['pipelines', 'versions', String(id)] as const,
    version: (id: number | string, n: number) => ['pipelines', 'version', String(id), n] as const,
  },
  runs: {
    all: ['runs'] as const,
    ofPipeline: (pipelineId: number | string) => ['runs', 'pipeline', String(pipelineId)] as const,
    one: (runId: number | string) => ['runs', 'one', String(runId)] as const,
    ledger: (pipelineId: number | string) => ['runs', 'ledger', String(pipelineId)] as const,
    schedule: (pipelineId: number | string) => ['runs', 'schedule', String(pipelineId)] as const,
  },
  clusters: {
    all: ['clusters'] as const,
    list: ['clusters', 'list'] as const,
    one: (id: number | string) => ['clusters', 'one', String(id)] as const,
    schedule: (id: number | string) => ['clusters', 'schedule', String(id)] as const,
  },
  ds: {
    connections: ['ds', 'connections'] as const,
    triggers: (pipelineId: number | string) => ['ds', 'triggers', String(pipelineId)] as const,
    deliveries: (pipelineId: number | string) => ['ds', 'deliveries', String(pipelineId)] as const,
    snippet: (pipelineId: number | string, version: string) => ['ds', 'snippet', String(pipelineId), version] as const,
  },
  alerts: {
    channels: ['alerts', 'channels'] as const,
    rules: ['alerts', 'rules'] as const,
    silences: ['alerts', 'silences'] as const,
    firing: ['alerts', 'firing'] as const,
    deliveries: ['alerts', 'deliveries'] as const,
    deliveriesOf: (status?: string) => ['alerts', 'deliveries', status ?? null] as const,
  },
  orphans: ['orphans'] as const,
  users: ['users'] as const,
  tokens: { all: ['tokens'] as const, list: (everyone: boolean) => ['tokens', everyone] as const },
  audit: { all: ['audit'] as const, list: (f: AuditFilter) => ['audit', f] as const },
  secrets: ['secrets'] as const,
  templates: ['templates'] as const,
};
