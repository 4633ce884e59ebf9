import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';
import { pipelineJson } from '../../test/fixtures';

const at = '2026-12-01T10:00:00Z';
const ledger = {
  restorePoint: 'file:///sp/savepoint-2',
  items: [
    {
      id: 3,
      runId: 7,
      kind: 'savepoint',
      source: 'periodic',
      path: null,
      state: 'FAILED',
      reason: 'savepoint given up: its status could not be read',
      createdAt: at,
    },
    {
      id: 2,
      runId: 7,
      kind: 'savepoint',
      source: 'periodic',
      path: 'file:///sp/savepoint-2',
      state: 'COMPLETED',
      reason: null,
      createdAt: at,
    },
  ],
};

describe('savepoints tab', () => {
  it('shows a failed savepoint with its cause, and sets the pipeline to its own interval', async () => {
    let schedule: { interval: string | null; clusterDefault: string | null; effective: string } = {
      interval: null,
      clusterDefault: '6h',
      effective: '6h',
    };
    const { calls } = renderApp('/pipelines/1/savepoints', {
      'GET /api/v1/pipelines/1': () => json(200, pipelineJson()),
      'GET /api/v1/pipelines/1/savepoints': () => json(200, ledger),
      'GET /api/v1/pipelines/1/savepoint-schedule': () => json(200, schedule),
      'PUT /api/v1/pipelines/1/savepoint-schedule': (call) => {
        const interval = (call.body as { interval: string }).interval;
        schedule = { interval, clusterDefault: '6h', effective: interval };
        return json(200, schedule);
      },
    });
    const failed = await screen.findByTestId('savepoint-failed');
    expect(failed).toHaveTextContent('failed');
    expect(failed).toHaveTextContent('its status could not be read');
    expect(await screen.findByText('every 6h')).toBeInTheDocument();

    const user = userEvent.setup();
    const form = screen.getByTestId('savepoint-schedule');
    await user.click(within(form).getByLabelText('Every'));
    fireEvent.change(within(form).getByTestId('schedule-interval'), { target: { value: '30m' } });
    await user.click(within(form).getByTestId('schedule-save'));
    expect(await screen.findByText('every 30m')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ interval: '30m' });
  });
});
