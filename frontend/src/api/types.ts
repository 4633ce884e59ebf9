// The answer shapes the SPA works with: the OpenAPI document's schemas (schema.gen.ts, `npm run gen:api`), plus
// the few fields and routes the live branch serves that the document does not describe yet (marked "not yet in
// the document"); those go when the document catches up.
import type { components } from './schema.gen';

type S = components['schemas'];

export type Role = S['Role'];
export type RunState = S['RunState'];
export type ClusterStatus = S['ClusterHealthStatus'];

export const RUN_STATES = [
  'SUBMITTING', 'FAILED_TO_SUBMIT', 'INITIALIZING', 'RUNNING', 'RESTARTING', 'FAILING', 'CANCELLING', 'STOPPING',
  'FINISHED', 'CANCELED', 'STOPPED', 'FAILED', 'LOST',
] as const satisfies readonly RunState[];
/** A pipeline that never ran has this state in filters and the overview. */
export type PipelineState = RunState | 'NONE';

export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FAILED_TO_SUBMIT', 'FINISHED', 'CANCELED', 'STOPPED', 'FAILED', 'LOST']);

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type Me = S['Me'];
export type LoginResponse = S['Session'];
export type FieldErrorShape = S['FieldError'];

/** `jobId` and `startedAt`: not yet in the document. */
export type CurrentRun = Omit<S['CurrentRun'], 'active'> & { active?: boolean; jobId?: string | null; startedAt?: string | null };

/** One shape for listed, fetched and saved pipelines: the members that only some answers carry are optional. */
export type Pipeline = S['PipelineBase'] & {
  yaml?: string;
  currentRun?: CurrentRun | null;
  warnings?: FieldErrorShape[];
};

export type PipelineInput = S['PipelineChanges'];
export type Validation = S['ValidationResult'];
export type PipelineVersion = S['PipelineVersion'];

/** As part of a run (`from`, `to`, `at`, `source`, `detail`); the feed adds ids and the pipeline (not yet in the document). */
export type Transition = Omit<S['RunTransition'], 'source' | 'detail'> & {
  source?: string | null;
  detail?: string | null;
  id?: number;
  runId?: number;
  pipelineId?: number;
  pipeline?: string;
};

export type Savepoint = S['SavepointEntry'];
export type Operation = S['RunOperation'];
export type Checkpoint = S['Checkpoint'];

/** A run as listed; GET /runs/{id} adds transitions, savepoints and the Flink UI link. */
export type Run = S['Run'] & Partial<Pick<S['RunDetails'], 'transitions' | 'savepoints' | 'flinkUiUrl'>>;

export type StartOptions = S['StartRunRequest'];
export type StopOptions = S['StopRunRequest'];
export type Ledger = S['SavepointLedger'];
export type ClusterHealth = S['ClusterHealth'];
export type Cluster = S['Cluster'];
export type ClusterInput = S['ClusterSpec'];
export type Orphan = S['Orphan'];

// GET /overview, /transitions, /templates, /connectors: not yet in the document.

export interface Attention {
  pipelineId: number;
  pipeline: string;
  runId: number | null;
  state: PipelineState;
  stale: boolean;
  lastError?: string | null;
  since?: string | null;
}

export interface Overview {
  pipelines: { total: number; byState: Partial<Record<PipelineState, number>>; stale: number };
  clusters: { total: number; byStatus: Partial<Record<ClusterStatus, number>> };
  attention: Attention[];
}

export interface Template {
  id: string;
  source: string;
  sink: string;
  yaml: string;
}

export interface Connector {
  id?: string;
  type?: string;
  [extra: string]: unknown;
}
