// What an event means for the query cache: the new state is written into every cached copy at once (so every page
// shows it without a round trip), then the queries that summarise it are refetched.

import type { QueryClient } from '@tanstack/react-query';
import {
  TERMINAL_STATES,
  type Cluster,
  type ClusterHealthEvent,
  type CurrentRun,
  type Page,
  type Pipeline,
  type Run,
  type RunHealthEvent,
  type RunStaleEvent,
  type RunStateEvent,
  type Transition,
} from '../api/types';
import { keys } from '../queries/keys';
import type { SseEvent } from './sse';

/**
 * The pipeline's current run after news of run `runId`. A newer run than the cached one becomes the current run when
 * the news says enough to describe it (`fresh`); otherwise it waits for the refetch.
 */
function patchCurrentRun(p: Pipeline, runId: number, patch: Partial<CurrentRun>, fresh?: () => CurrentRun): Pipeline {
  const current = p.currentRun;
  if (current && current.id === runId) return { ...p, currentRun: { ...current, ...patch } };
  if ((current && current.id > runId) || !fresh) return p; // an older run's news, or too little to go on
  return { ...p, currentRun: { ...fresh(), ...patch } };
}

function patchPipelines(
  qc: QueryClient,
  pipelineId: number,
  runId: number,
  patch: Partial<CurrentRun>,
  fresh?: () => CurrentRun,
) {
  const apply = (p: Pipeline) => (p.id === pipelineId ? patchCurrentRun(p, runId, patch, fresh) : p);
  qc.setQueriesData<Page<Pipeline>>(
    { queryKey: [...keys.pipelines.all, 'list'] },
    (page) => page && { ...page, items: page.items.map(apply) },
  );
  qc.setQueriesData<Pipeline>({ queryKey: [...keys.pipelines.all, 'one'] }, (p) => p && apply(p));
}

function patchRuns(qc: QueryClient, pipelineId: number, runId: number, patch: Partial<Run>) {
  qc.setQueryData<Run>(keys.runs.one(runId), (r) => r && { ...r, ...patch });
  qc.setQueriesData<Page<Run>>(
    { queryKey: keys.runs.ofPipeline(pipelineId) },
    (page) => page && { ...page, items: page.items.map((r) => (r.id === runId ? { ...r, ...patch } : r)) },
  );
}

export function applyRunState(qc: QueryClient, e: RunStateEvent): void {
  const active = !TERMINAL_STATES.has(e.to);
  const patch: Partial<CurrentRun> = { state: e.to, stale: e.stale, jobId: e.jobId, active };
  // A run the cache has not seen yet: the event says all a current run carries but when it reached RUNNING.
  const fresh = (): CurrentRun => ({
    id: e.runId,
    state: e.to,
    stale: e.stale,
    jobId: e.jobId,
    active,
    startedAt: null,
  });
  patchPipelines(qc, e.pipelineId, e.runId, patch, fresh);
  patchRuns(qc, e.pipelineId, e.runId, { state: e.to, stale: e.stale });
  const transition: Transition = {
    id: e.id,
    runId: e.runId,
    pipelineId: e.pipelineId,
    pipeline: e.pipeline,
    jobId: e.jobId,
    from: e.from,
    to: e.to,
    at: e.at,
    source: e.source,
    detail: null,
    stale: e.stale,
  };
  // Feeds: ['transitions', pipelineName | null, limit].
  for (const [key, page] of qc.getQueriesData<Page<Transition>>({ queryKey: keys.feeds })) {
    const forPipeline = key[1];
    if (!page || (forPipeline !== null && forPipeline !== e.pipeline)) continue;
    if (page.items.some((t) => t.id === e.id)) continue;
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

/** A new measurement of a RUNNING run: its verdict and lag in the lists, the whole of it on the run page. */
export function applyRunHealth(qc: QueryClient, e: RunHealthEvent): void {
  const { runId, pipelineId, status, reason, at, lagMs, metrics } = e;
  patchPipelines(qc, pipelineId, runId, { health: { status, reason, at, lagMs } });
  patchRuns(qc, pipelineId, runId, { health: { status, reason, at, lagMs, metrics } });
}

export function applyClusterHealth(qc: QueryClient, e: ClusterHealthEvent): void {
  qc.setQueryData<{ items: Cluster[]; total: number }>(
    keys.clusters.list,
    (list) =>
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
  else if (event.event === 'run.health') applyRunHealth(qc, data as RunHealthEvent);
  // More transitions were missed than the server replays: the feeds and the states patched from them have gaps.
  else if (event.event === 'replay.truncated') refreshAll(qc);
}

/**
 * After a reconnection. The server replays the run states missed (run.state, into the cache as they come), but not
 * staleness or cluster health: what shows those is refetched. The feeds are complete through the replay.
 */
export function refreshAfterGap(qc: QueryClient): void {
  qc.invalidateQueries({ queryKey: keys.pipelines.all });
  qc.invalidateQueries({ queryKey: keys.runs.all });
  qc.invalidateQueries({ queryKey: keys.clusters.all });
  qc.invalidateQueries({ queryKey: keys.overview });
}

/** Everything the stream keeps current, feeds included. */
export function refreshAll(qc: QueryClient): void {
  refreshAfterGap(qc);
  qc.invalidateQueries({ queryKey: keys.feeds });
}
