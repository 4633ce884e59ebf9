// The answer shapes of the API. Written against the backend records (Pipeline, Run, Cluster, ...) until the
// OpenAPI document is published; then these become aliases of the generated schema types.

export type Role = 'viewer' | 'operator' | 'admin';

export const RUN_STATES = [
  'SUBMITTING', 'FAILED_TO_SUBMIT', 'INITIALIZING', 'RUNNING', 'RESTARTING', 'FAILING', 'CANCELLING', 'STOPPING',
  'FINISHED', 'CANCELED', 'STOPPED', 'FAILED', 'LOST',
] as const;
export type RunState = (typeof RUN_STATES)[number];
/** A pipeline that never ran has this state in filters and the overview. */
export type PipelineState = RunState | 'NONE';

export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FAILED_TO_SUBMIT', 'FINISHED', 'CANCELED', 'STOPPED', 'FAILED', 'LOST']);

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Me {
  id: number | string;
  username: string;
  role: Role | string;
  createdAt?: string;
  [extra: string]: unknown;
}

export interface LoginResponse {
  token: string;
  expiresAt: string | number;
}

export interface CurrentRun {
  id: number;
  state: RunState;
  stale: boolean;
  jobId?: string | null;
  startedAt?: string | null;
  active?: boolean;
}

export interface Pipeline {
  id: number;
  name: string;
  description?: string | null;
  clusterId: number;
  labels: Record<string, string>;
  owner?: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  yaml?: string;
  currentRun?: CurrentRun | null;
  warnings?: FieldErrorShape[];
}

export interface FieldErrorShape {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface PipelineInput {
  name?: string;
  clusterId?: number;
  cluster?: string;
  yaml?: string;
  labels?: Record<string, string>;
  description?: string;
  comment?: string;
}

export interface Validation {
  valid: boolean;
  errors: FieldErrorShape[];
  warnings: FieldErrorShape[];
}

export interface PipelineVersion {
  pipelineId: number;
  version: number;
  author?: string | null;
  comment?: string | null;
  createdAt: string;
  clusterId: number;
  description?: string | null;
  labels: Record<string, string>;
  yaml?: string;
}

export interface Transition {
  id?: number;
  runId?: number;
  pipelineId?: number;
  pipeline?: string;
  from: RunState | null;
  to: RunState;
  at: string;
  source?: string | null;
  detail?: string | null;
}

export interface Savepoint {
  id: number;
  runId: number;
  kind: string;
  source?: string | null;
  path: string;
  createdAt: string;
}

export interface Operation {
  kind: string;
  triggerId?: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | string;
  startedAt?: string;
  finishedAt?: string;
  location?: string;
  error?: string;
  targetDirectory?: string | null;
}

export interface Run {
  id: number;
  pipelineId: number;
  pipeline: string;
  pipelineVersion: number;
  clusterId: number;
  jobId: string | null;
  state: RunState;
  flinkState?: string | null;
  stale: boolean;
  fromSavepoint?: string | null;
  allowNonRestoredState?: boolean;
  flinkConfiguration?: Record<string, string> | null;
  createdBy?: string | null;
  createdAt: string;
  startedAt?: string | null;
  endedAt?: string | null;
  lastSeenAt?: string | null;
  lastError?: string | null;
  restarts?: number;
  lastCheckpoint?: Record<string, unknown> | null;
  operation?: Operation | null;
  /** Only on GET /runs/{id}. */
  transitions?: Transition[];
  savepoints?: Savepoint[];
  flinkUiUrl?: string;
}

export interface StartOptions {
  fromSavepoint?: string;
  allowNonRestoredState?: boolean;
  flinkConfiguration?: Record<string, string>;
}

export interface StopOptions {
  savepoint: boolean;
  drain: boolean;
  targetDirectory?: string;
}

export interface Ledger {
  restorePoint: string | null;
  items: Savepoint[];
}

export type ClusterStatus = 'HEALTHY' | 'DEGRADED' | 'UNREACHABLE' | 'UNKNOWN';

export interface ClusterHealth {
  status: ClusterStatus;
  reachable: boolean;
  flinkVersion?: string | null;
  taskManagers?: number | null;
  slotsTotal?: number | null;
  slotsFree?: number | null;
  runningJobs?: number | null;
  latencyMs?: number | null;
  lastSeen?: string | null;
  checkedAt?: string | null;
  error?: string | null;
}

export interface ClusterAuth {
  type: 'none' | 'basic' | 'bearer';
  username?: string | null;
  password?: string | null;
  token?: string | null;
}

export interface Cluster {
  id: number;
  name: string;
  restUrl: string;
  auth: ClusterAuth;
  headers: Record<string, string>;
  tls: { insecure: boolean; caPem?: string | null };
  labels: Record<string, string>;
  description?: string | null;
  cdc: { mode: 'provided' | 'shipped'; version: string };
  version: number;
  createdAt: string;
  updatedAt: string;
  health: ClusterHealth;
  flinkUiUrl?: string;
}

export interface ClusterInput {
  name: string;
  restUrl: string;
  auth: ClusterAuth;
  headers?: Record<string, string>;
  tls: { insecure: boolean; caPem?: string | null };
  labels: Record<string, string>;
  description?: string;
  cdc: { mode: 'provided' | 'shipped'; version: string };
}

export interface Orphan {
  clusterId: number;
  cluster: string;
  jobId: string;
  name: string;
  state: string;
  pipelineId: number;
  startTime: string;
}

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
