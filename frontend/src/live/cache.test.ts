import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Cluster, Page, Pipeline, Run, Transition } from '../api/types';
import { keys } from '../queries/keys';
import { runJson } from '../test/fixtures';
import { applyEvent, refreshAfterGap } from './cache';

const pipeline = (id: number, run: Pipeline['currentRun']): Pipeline => ({
  id,
  name: `p${id}`,
  description: '',
  owner: null,
  clusterId: 1,
  labels: {},
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  currentRun: run,
});

function client() {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
}

const event = (name: string, data: unknown, id: string | null = null) => ({
  event: name,
  data: JSON.stringify(data),
  id,
});

describe('applyEvent', () => {
  it('writes a run.state into every cached copy of the pipeline and the run, and onto the feeds', () => {
    const qc = client();
    const listKey = keys.pipelines.list({ sort: 'name' });
    qc.setQueryData<Page<Pipeline>>(listKey, {
      items: [pipeline(1, runJson({ id: 9, state: 'SUBMITTING' })), pipeline(2, null)],
      total: 2,
      limit: 20,
      offset: 0,
    });
    qc.setQueryData(keys.pipelines.one(1), pipeline(1, runJson({ id: 9, state: 'SUBMITTING' })));
    qc.setQueryData<Partial<Run>>(keys.runs.one(9), { id: 9, pipelineId: 1, state: 'SUBMITTING', stale: false });
    qc.setQueryData<Page<Transition>>([...keys.transitions(), 15], { items: [], total: 0, limit: 15, offset: 0 });
    qc.setQueryData<Page<Transition>>([...keys.transitions('p2'), 15], { items: [], total: 0, limit: 15, offset: 0 });

    applyEvent(
      qc,
      event(
        'run.state',
        {
          id: 77,
          runId: 9,
          pipelineId: 1,
          pipeline: 'p1',
          jobId: 'ab',
          from: 'SUBMITTING',
          to: 'RUNNING',
          at: '2026-01-01T00:00:01Z',
          source: 'poller',
          stale: false,
        },
        '77',
      ),
    );

    const list = qc.getQueryData<Page<Pipeline>>(listKey)!;
    expect(list.items[0]!.currentRun).toMatchObject({ id: 9, state: 'RUNNING', jobId: 'ab' });
    expect(list.items[1]!.currentRun).toBeNull();
    expect(qc.getQueryData<Pipeline>(keys.pipelines.one(1))!.currentRun!.state).toBe('RUNNING');
    expect(qc.getQueryData<Run>(keys.runs.one(9))!.state).toBe('RUNNING');
    expect(qc.getQueryData<Page<Transition>>([...keys.transitions(), 15])!.items.map((t) => t.to)).toEqual(['RUNNING']);
    expect(qc.getQueryData<Page<Transition>>([...keys.transitions('p2'), 15])!.items).toEqual([]);

    // A replayed event (same id) is not listed twice.
    applyEvent(
      qc,
      event(
        'run.state',
        {
          id: 77,
          runId: 9,
          pipelineId: 1,
          pipeline: 'p1',
          from: 'SUBMITTING',
          to: 'RUNNING',
          at: '2026-01-01T00:00:01Z',
        },
        '77',
      ),
    );
    expect(qc.getQueryData<Page<Transition>>([...keys.transitions(), 15])!.items).toHaveLength(1);
  });

  it('starts a new current run when the event names a newer run, and ignores an older run', () => {
    const qc = client();
    qc.setQueryData(keys.pipelines.one(1), pipeline(1, runJson({ id: 9, state: 'FINISHED' })));
    applyEvent(
      qc,
      event('run.state', { runId: 10, pipelineId: 1, pipeline: 'p1', from: null, to: 'SUBMITTING', at: 'x' }),
    );
    expect(qc.getQueryData<Pipeline>(keys.pipelines.one(1))!.currentRun).toMatchObject({ id: 10, state: 'SUBMITTING' });
    applyEvent(
      qc,
      event('run.state', { runId: 9, pipelineId: 1, pipeline: 'p1', from: 'RUNNING', to: 'LOST', at: 'x' }),
    );
    expect(qc.getQueryData<Pipeline>(keys.pipelines.one(1))!.currentRun).toMatchObject({ id: 10, state: 'SUBMITTING' });
  });

  it('writes a run.health verdict and lag into the pipeline and the run', () => {
    const qc = client();
    qc.setQueryData(keys.pipelines.one(1), pipeline(1, runJson({ id: 9, state: 'RUNNING' })));
    qc.setQueryData(keys.runs.one(9), { id: 9, pipelineId: 1, state: 'RUNNING' });
    const metrics = { at: '2026-01-01T00:00:30Z', emitLagMs: 1200, restarts: 0, notReported: ['snapshotProgress'] };
    applyEvent(
      qc,
      event('run.health', {
        runId: 9,
        pipelineId: 1,
        pipeline: 'p1',
        status: 'LAGGING',
        reason: 'lag 6 min',
        at: '2026-01-01T00:00:30Z',
        lagMs: 360_000,
        metrics,
      }),
    );
    expect(qc.getQueryData<Pipeline>(keys.pipelines.one(1))!.currentRun!.health).toEqual({
      status: 'LAGGING',
      reason: 'lag 6 min',
      at: '2026-01-01T00:00:30Z',
      lagMs: 360_000,
    });
    expect(qc.getQueryData<Run>(keys.runs.one(9))!.health).toMatchObject({ status: 'LAGGING', metrics });
  });

  it('marks a run stale and sets cluster health', () => {
    const qc = client();
    qc.setQueryData(keys.pipelines.one(1), pipeline(1, runJson({ id: 9, state: 'RUNNING' })));
    applyEvent(qc, event('run.stale', { runId: 9, pipelineId: 1, pipeline: 'p1', stale: true, at: 'x' }));
    expect(qc.getQueryData<Pipeline>(keys.pipelines.one(1))!.currentRun).toMatchObject({
      state: 'RUNNING',
      stale: true,
    });

    qc.setQueryData<{ items: Partial<Cluster>[]; total: number }>(keys.clusters.list, {
      items: [{ id: 3, name: 'c', health: { status: 'HEALTHY', reachable: true } as Cluster['health'] }],
      total: 1,
    });
    applyEvent(
      qc,
      event('cluster.health', {
        clusterId: 3,
        name: 'c',
        status: 'UNREACHABLE',
        health: { status: 'UNREACHABLE', reachable: false },
      }),
    );
    expect(qc.getQueryData<{ items: Cluster[] }>(keys.clusters.list)!.items[0]!.health.status).toBe('UNREACHABLE');
  });

  it('refetches the lists, runs and feeds after a truncated replay, and only the unreplayed after a plain reconnect', () => {
    const qc = client();
    const feed = [...keys.transitions(), 15];
    const list = keys.pipelines.list({ sort: 'name' });
    qc.setQueryData<Page<Transition>>(feed, { items: [], total: 0, limit: 15, offset: 0 });
    qc.setQueryData<Page<Pipeline>>(list, { items: [], total: 0, limit: 20, offset: 0 });
    qc.setQueryData<Partial<Run>>(keys.runs.one(9), { id: 9 });
    qc.setQueryData(keys.clusters.list, { items: [], total: 0, limit: 20, offset: 0 });
    const invalid = () =>
      [feed, list, keys.runs.one(9), keys.clusters.list].map((k) => qc.getQueryState(k)!.isInvalidated);

    refreshAfterGap(qc);
    expect(invalid()).toEqual([false, true, true, true]);

    applyEvent(qc, event('replay.truncated', { lastEventId: 3, firstReplayedId: 2000 }));
    expect(invalid()).toEqual([true, true, true, true]);
  });

  it('ignores data that is not JSON', () => {
    const qc = client();
    expect(() => applyEvent(qc, { event: 'run.state', data: 'not json', id: null })).not.toThrow();
  });
});
