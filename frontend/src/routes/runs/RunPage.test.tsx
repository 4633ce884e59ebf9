import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RunDetails } from '../../api/types';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const at = (hms: string) => `2026-01-02T${hms}Z`;

const stopped: RunDetails = {
  id: 9,
  pipelineId: 1,
  pipeline: 'orders-to-lake',
  pipelineVersion: 4,
  clusterId: 3,
  jobId: 'a'.repeat(32),
  state: 'STOPPED',
  flinkState: 'FINISHED',
  stale: false,
  fromSavepoint: null,
  allowNonRestoredState: false,
  flinkConfiguration: { 'parallelism.default': '2' },
  createdBy: 'olga',
  createdAt: at('10:00:00'),
  startedAt: at('10:00:05'),
  endedAt: at('10:30:20'),
  lastSeenAt: at('10:30:20'),
  lastError: null,
  restarts: 0,
  lastCheckpoint: null,
  operation: null,
  dsTaskInstanceId: null,
  dsWorkflowInstanceId: null,
  // Listed out of order: the page orders them by time.
  transitions: [
    { from: 'RUNNING', to: 'STOPPING', at: at('10:30:05'), source: 'console', detail: 'stop with savepoint' },
    { from: null, to: 'SUBMITTING', at: at('10:00:00'), source: 'console', detail: null },
    { from: 'STOPPING', to: 'STOPPED', at: at('10:30:20'), source: 'watcher', detail: null },
    { from: 'SUBMITTING', to: 'RUNNING', at: at('10:00:05'), source: 'watcher', detail: null },
  ],
  savepoints: [
    {
      id: 1,
      runId: 9,
      kind: 'savepoint',
      source: 'stop',
      path: 'file:///sp/savepoint-9',
      state: 'COMPLETED',
      reason: null,
      createdAt: at('10:30:19'),
    },
  ],
  flinkUiUrl: 'http://127.0.0.1:18081/#/job/running/' + 'a'.repeat(32),
};

describe('run page', () => {
  it('shows the state changes in order with the time spent in each, none for the final state', async () => {
    renderApp('/runs/9', { 'GET /api/v1/runs/9': () => json(200, stopped) }, 'viewer');
    expect(await screen.findByText('Run 9 of orders-to-lake')).toBeInTheDocument();
    const items = within(screen.getByTestId('timeline')).getAllByTestId('transition');
    const durations = items.map((item) => item.textContent!.match(/Time in state: (.+?)(?:stop with|$)/)?.[1] ?? null);
    expect(items.map((item) => item.textContent!.match(/^(\w+)/)![1])).toEqual([
      'Submitting',
      'Running',
      'Stopping',
      'Stopped',
    ]);
    expect(durations).toEqual(['5 s', '30 min', '15 s', null]);
    expect(items[2]).toHaveTextContent('Source: console');
    expect(items[2]).toHaveTextContent('stop with savepoint');
    expect(screen.getByText('file:///sp/savepoint-9')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'orders-to-lake' })).toHaveAttribute('href', '/pipelines/1/overview');
  });

  it("shows a running run's health verdict, its lag and the metrics the connector does not report", async () => {
    const sample = {
      at: at('10:10:00'),
      fetchLagMs: 400,
      emitLagMs: 900,
      sourceIdleMs: 9000,
      recordsInPerSecond: 0,
      recordsOutPerSecond: 0,
      recordsOut: 53,
      snapshot: null,
      schemaChanges: 1,
      checkpointId: null,
      checkpointAt: null,
      checkpointDurationMs: null,
      checkpointSizeBytes: null,
      checkpointsTriggered: 0,
      checkpointsInProgress: 0,
      checkpointsFailed: 0,
      checkpointFailedAt: null,
      restarts: 0,
      notReported: ['snapshotProgress'],
    };
    const running: RunDetails = {
      ...stopped,
      state: 'RUNNING',
      flinkState: 'RUNNING',
      endedAt: null,
      transitions: stopped.transitions.slice(1, 2),
      health: {
        status: 'LAGGING',
        reason: 'lag 10 min over 5 min for 3 periods',
        at: at('10:10:00'),
        lagMs: 600_000,
        metrics: sample,
      },
    };
    renderApp(
      '/runs/9',
      {
        'GET /api/v1/runs/9': () => json(200, running),
        'GET /api/v1/runs/9/metrics': () =>
          json(200, { runId: 9, since: at('09:10:00'), health: running.health, items: [] }),
      },
      'viewer',
    );
    const health = await screen.findByTestId('run-health');
    expect(within(health).getByTestId('health-badge')).toHaveTextContent('Lagging');
    expect(health).toHaveTextContent('lag 10 min over 5 min for 3 periods');
    expect(health).toHaveTextContent('Not reported by this connector: snapshotProgress');
    expect(await screen.findByText(/No measurements yet/)).toBeInTheDocument();
  });
});
