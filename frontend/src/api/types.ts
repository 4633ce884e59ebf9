// The answer shapes the SPA works with, all from the OpenAPI document's schemas (schema.gen.ts, `npm run gen:api`).
// Only what the document cannot say lives here: the run states as a list, which of them are terminal, and NONE.
import type { components } from './schema.gen';

type S = components['schemas'];

export type Role = S['Role'];
export type RunState = S['RunState'];
export type ClusterStatus = S['ClusterHealthStatus'];

export const RUN_STATES = [
  'SUBMITTING',
  'FAILED_TO_SUBMIT',
  'INITIALIZING',
  'RUNNING',
  'RESTARTING',
  'FAILING',
  'CANCELLING',
  'STOPPING',
  'FINISHED',
  'CANCELED',
  'STOPPED',
  'FAILED',
  'LOST',
] as const satisfies readonly RunState[];
/** A pipeline that never ran has this state in filters and the overview. */
export type PipelineState = RunState | 'NONE';

export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'FAILED_TO_SUBMIT',
  'FINISHED',
  'CANCELED',
  'STOPPED',
  'FAILED',
  'LOST',
]);

export type Page<T> = S['PageInfo'] & { items: T[] };

export type Me = S['Me'];
export type LoginResponse = S['Session'];
/** One problem with one input field; line/column are 1-based, present for documents (YAML). */
export type FieldError = S['FieldError'];
export type CurrentRun = S['CurrentRun'];

/**
 * One shape for listed (PipelineSummary), fetched (Pipeline) and saved (SavedPipeline) pipelines, so that one
 * cache entry can hold any of them: the members only some answers carry are optional.
 */
export type Pipeline = S['PipelineBase'] &
  Partial<Pick<S['Pipeline'], 'yaml' | 'currentRun'>> &
  Partial<Pick<S['SavedPipeline'], 'warnings'>>;

export type PipelineSpec = S['PipelineSpec'];
export type PipelineInput = S['PipelineChanges'];
export type Validation = S['ValidationResult'];
export type PipelineVersion = S['PipelineVersion'];

/** A state change as part of a run. */
export type RunTransition = S['RunTransition'];
/** A state change in the feed (GET /transitions, run.state events): with its run and pipeline. */
export type Transition = S['TransitionEntry'];

export type Savepoint = S['SavepointEntry'];
export type Operation = S['RunOperation'];
export type Checkpoint = S['Checkpoint'];

/** A run as listed; GET /runs/{id} adds transitions, savepoints and the Flink UI link. */
export type Run = S['Run'] & Partial<Pick<S['RunDetails'], 'transitions' | 'savepoints' | 'flinkUiUrl' | 'health'>>;
export type HealthStatus = S['HealthStatus'];
export type HealthSample = S['HealthSample'];
export type RunMetrics = S['RunMetrics'];
export type RunDetails = S['RunDetails'];

export type StartOptions = S['StartRunRequest'];
export type StopOptions = S['StopRunRequest'];
export type Ledger = S['SavepointLedger'];
export type ClusterHealth = S['ClusterHealth'];
export type Cluster = S['Cluster'];
export type ClusterInput = S['ClusterSpec'];
export type Orphan = S['Orphan'];

// DolphinScheduler: connections (admins), triggers and their deliveries, HTTP task definitions.
export type DsConnection = S['DsConnection'];
export type DsConnectionInput = S['NewDsConnection'];
export type DsConnectionTest = S['DsConnectionTest'];
export type DsTrigger = S['DsTrigger'];
export type DsTriggerInput = S['NewDsTrigger'];
export type DsDelivery = S['DsDelivery'];
export type DsSnippet = S['DsSnippet'];
export type DsTask = S['DsTask'];
export type DsVersion = DsSnippet['version'];

export type Overview = S['Overview'];
export type Attention = S['AttentionItem'];
export type Template = S['PipelineTemplate'];
export type Connector = S['Connector'];

// The data of the /events stream's event types.
export type RunStateEvent = S['RunStateEvent'];
export type RunStaleEvent = S['RunStaleEvent'];
export type RunHealthEvent = S['RunHealthEvent'];
export type ClusterHealthEvent = S['ClusterHealthEvent'];
export type ReplayTruncatedEvent = S['ReplayTruncatedEvent'];
export type StreamClosedEvent = S['StreamClosedEvent'];

export type User = S['User'];
export type NewUser = S['NewUser'];
export type UserChanges = S['UserChanges'];
export type ApiToken = S['ApiToken'];
export type CreatedApiToken = S['CreatedApiToken'];
export type NewApiToken = S['NewApiToken'];
export type AuditEvent = S['AuditEvent'];
export type AuditOutcome = S['AuditOutcome'];
export type NamedSecret = S['NamedSecret'];
export type AlertChannel = S['AlertChannel'];
export type AlertChannelType = S['AlertChannelType'];
export type AlertChannelConfig = S['AlertChannelConfig'];
export type AlertChannelInput = S['NewAlertChannel'];
export type AlertRule = S['AlertRule'];
export type AlertRuleInput = S['NewAlertRule'];
export type AlertRuleKind = AlertRuleInput['kind'];
export type AlertSilence = S['AlertSilence'];
export type AlertDelivery = S['AlertDelivery'];
export type AlertDeliveryStatus = AlertDelivery['status'];
