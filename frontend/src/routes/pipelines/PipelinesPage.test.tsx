import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RunState } from '../../api/types';
import { applyEvent } from '../../live/cache';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';
import { clusterJson, pipelineJson, runJson } from '../../test/fixtures';

const page = (items: unknown[]) => json(200, { items, total: items.length, limit: 20, offset: 0 });

describe('pipelines list', () => {
  const routes = (list = [pipelineJson(), pipelineJson({ id: 2, name: 'users-sync', currentRun: null })]) => ({
    'GET /api/v1/pipelines?sort=name&limit=20&offset=0': () => page(list),
    'GET /api/v1/pipelines?state=FAILED%2CLOST&sort=name&limit=20&offset=0': () =>
      page([pipelineJson({ currentRun: runJson({ state: 'FAILED', active: false }) })]),
    'GET /api/v1/clusters': () => json(200, { items: [clusterJson], total: 1 }),
  });

  it('shows each pipeline with its state in words and its cluster, and actions for an operator', async () => {
    renderApp('/pipelines', routes());
    const rows = await screen.findAllByTestId('pipeline-link');
    expect(rows.map((r) => r.textContent)).toEqual(['orders-to-lake', 'users-sync']);
    const badges = screen.getAllByTestId('state-badge');
    expect(badges.map((b) => b.textContent)).toEqual(['Running', 'Never run']);
    expect(await screen.findAllByText('flink-prod')).not.toHaveLength(0);
    // A row offers what applies now: Stop and Cancel for the running one, Start for the one never run.
    const [running, never] = screen.getAllByTestId('pipeline-actions');
    expect(
      within(running!)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Stop', 'Cancel job']);
    expect(
      within(never!)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Start']);
  });

  it('shows a viewer no action', async () => {
    renderApp('/pipelines', routes(), 'viewer');
    await screen.findAllByTestId('pipeline-link');
    expect(await screen.findByTestId('me-role')).toHaveTextContent('viewer');
    expect(screen.queryByRole('button', { name: 'Start' })).not.toBeInTheDocument();
    expect(screen.queryByTestId('new-pipeline')).not.toBeInTheDocument();
  });

  it('asks the server for the states in the URL', async () => {
    const { calls } = renderApp('/pipelines?state=FAILED,LOST', routes());
    expect(await screen.findByText('Failed')).toBeInTheDocument();
    expect(calls.some((c) => c.url.startsWith('/api/v1/pipelines?state=FAILED%2CLOST'))).toBe(true);
  });

  it('shows a state change from the event stream at once', async () => {
    let state: RunState = 'RUNNING';
    const { queryClient } = renderApp('/pipelines', {
      ...routes(),
      'GET /api/v1/pipelines?sort=name&limit=20&offset=0': () =>
        page([pipelineJson({ currentRun: runJson({ state }) })]),
    });
    await screen.findAllByTestId('pipeline-link');
    state = 'STOPPING';
    act(() =>
      applyEvent(queryClient, {
        event: 'run.state',
        id: '5',
        data: JSON.stringify({
          id: 5,
          runId: 9,
          pipelineId: 1,
          pipeline: 'orders-to-lake',
          from: 'RUNNING',
          to: 'STOPPING',
          at: '2026-01-02T00:00:00Z',
        }),
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('state-badge')[0]).toHaveTextContent('Stopping'));
    // While the run is changing, Stop is gone and the row says why; Cancel stays.
    const row = screen.getAllByTestId('pipeline-actions')[0]!;
    expect(within(row).queryByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    expect(within(row).getByRole('status')).toHaveTextContent('Wait: the run is Stopping.');
    expect(within(row).getByRole('button', { name: 'Cancel job' })).toBeEnabled();
  });
});
