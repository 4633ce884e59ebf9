// What an event means for the query cache: the new state is written into every cached copy at once (so every page
// shows it without a round trip), then the queries that summarise it are refetched.

import type { QueryClient } from '@tanstack/react-query';
import type { Cluster, ClusterHealth, CurrentRun, Page, Pipeline, Run, RunState, Transition } from '../api/types';
import { keys } from '../queries/keys';
import type { SseEvent } from './sse';

export interface RunStateEvent {
  id?: number;
  runId: number;
  pipelineId: number;
  pipeline: string;
  jobId?: string | null;
  from: RunState | null;
  to: RunState;
  at: string;
  source?: string | null;
  stale?: boolean;
}

export interface RunStaleEvent {
  runId: number;
  pipelineId: number;
  pipeline: string;
  stale: boolean;
  at: string;
}

export interface ClusterHealthEvent {
  clusterId: number;
  name: string;
  status: string;
  health: ClusterHealth;
}

function patchCurrentRun(p: Pipeline, runId: number, patch: Partial<CurrentRun>): Pipeline {
  const current = p.currentRun;
  if (current && current.id > runId) return p; // an older run's news
  const base: CurrentRun = current && current.id === runId ? current : { id: runId, state: 'SUBMITTING', stale: false };
  return { ...p, currentRun: { ...base, ...patch } };
}

function patchPipelines(qc: QueryClient, pipelineId: number, runId: number, patch: Partial<CurrentRun>) {
  qc.setQueriesData<Page<Pipeline>>({ queryKey: [...keys.pipelines.all, 'list'] }, (page) =>
    page && {
      ...page,
      items: page.items.map((p) => (p.id === pipelineId ? patchCurrentRun(p, runId, patch) : p)),
    },
  );
  qc.setQueriesData<Pipeline>({ queryKey: [...keys.pipelines.all, 'one'] }, (p) =>
    p && p.id === pipelineId ? patchCurrentRun(p, runId, patch) : p,
  );
}

function patchRuns(qc: QueryClient, pipelineId: number, runId: number, patch: Partial<Run>) {
  qc.setQueryData<Run>(keys.runs.one(runId), (r) => r && { ...r, ...patch });
  qc.setQueriesData<Page<Run>>({ queryKey: keys.runs.ofPipeline(pipelineId) }, (page) =>
    page && { ...page, items: page.items.map((r) => (r.id === runId ? { ...r, ...patch } : r)) },
  );
}

export function applyRunState(qc: QueryClient, e: RunStateEvent): void {
  const patch = { state: e.to, ...(e.stale !== undefined ? { stale: e.stale } : {}), ...(e.jobId ? { jobId: e.jobId } : {}) };
  patchPipelines(qc, e.pipelineId, e.runId, patch);
  patchRuns(qc, e.pipelineId, e.runId, patch);
  const transition: Transition = {
    id: e.id,
    runId: e.runId,
    pipelineId: e.pipelineId,
    pipeline: e.pipeline,
    from: e.from,
    to: e.to,
    at: e.at,
    source: e.source ?? null,
  };
  // Feeds: ['transitions', pipelineName | null, limit].
  for (const [key, page] of qc.getQueriesData<Page<Transition>>({ queryKey: ['transitions'] })) {
    const forPipeline = key[1];
    if (!page || (forPipeline !== null && forPipeline !== e.pipeline)) continue;
    if (e.id !== undefined && page.items.some((t) => t.id === e.id)) continue;
    qc.setQueryData<Page<Transition>>(key, {
      ...page,
      total: page.total + 1,
      items: [transition, ...page.items].slice(0, Math.max(page.limit, 1)),
    });
  }
  qc.invalidateQueries({ queryKey: keys.overview });
  qc.invalidateQueries({ queryKey: keys.runs.one(e.runId) });
  qc.invalidateQueries({ queryKey: keys.runs.ofPipeline(e.pipelineId) });
  qc.invalidateQueries({ queryKey: keys.runs.ledger(e.pipelineId) });
  qc.invalidateQueries({ queryKey: [...keys.pipelines.all, 'list'] });
}

export function applyRunStale(qc: QueryClient, e: RunStaleEvent): void {
  patchPipelines(qc, e.pipelineId, e.runId, { stale: e.stale });
  patchRuns(qc, e.pipelineId, e.runId, { stale: e.stale });
  qc.invalidateQueries({ queryKey: keys.overview });
}

export function applyClusterHealth(qc: QueryClient, e: ClusterHealthEvent): void {
  qc.setQueryData<{ items: Cluster[]; total: number }>(keys.clusters.list, (list) =>
    list && { ...list, items: list.items.map((c) => (c.id === e.clusterId ? { ...c, health: e.health } : c)) },
  );
  qc.setQueryData<Cluster>(keys.clusters.one(e.clusterId), (c) => c && { ...c, health: e.health });
  qc.invalidateQueries({ queryKey: keys.overview });
}

/** Routes one event from the stream; unknown or malformed events are ignored. */
export function applyEvent(qc: QueryClient, event: SseEvent): void {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return;
  }
  if (!data || typeof data !== 'object') return;
  if (event.event === 'run.state') applyRunState(qc, data as RunStateEvent);
  else if (event.event === 'run.stale') applyRunStale(qc, data as RunStaleEvent);
  else if (event.event === 'cluster.health') applyClusterHealth(qc, data as ClusterHealthEvent);
}

/** After a gap the server replays run states; without replay (an older server) the cache is refreshed wholesale. */
export function refreshAfterGap(qc: QueryClient): void {
  qc.invalidateQueries({ queryKey: keys.pipelines.all });
  qc.invalidateQueries({ queryKey: keys.runs.all });
  qc.invalidateQueries({ queryKey: keys.clusters.all });
  qc.invalidateQueries({ queryKey: keys.overview });
  qc.invalidateQueries({ queryKey: ['transitions'] });
}
