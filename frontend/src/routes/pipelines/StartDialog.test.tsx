import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeServer, json, problem } from '../../test/fakeServer';
import { pipelineJson, runJson } from '../../test/fixtures';
import { renderWith } from '../../test/renderWith';
import { StartDialog } from './StartDialog';

const stopped = pipelineJson({ currentRun: runJson({ state: 'STOPPED', active: false }) });
const ledger = (restorePoint: string | null) => () =>
  json(200, {
    restorePoint,
    items: restorePoint
      ? [{ id: 1, runId: 9, kind: 'savepoint', source: 'stop', path: restorePoint, createdAt: '2026-01-03T10:00:00Z' }]
      : [],
  });

describe('start dialog', () => {
  it('restores from the restore point by default and sends one idempotency key', async () => {
    const calls = fakeServer({
      'GET /api/v1/pipelines/1/savepoints': ledger('file:///sp/savepoint-1'),
      'POST /api/v1/pipelines/1/runs': () => json(202, { id: 10, pipelineId: 1, state: 'SUBMITTING' }),
    });
    let closed = 0;
    renderWith(<StartDialog pipeline={stopped} open onClose={() => closed++} />);
    expect(await screen.findByText(/file:\/\/\/sp\/savepoint-1/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('radio', { name: /The restore point/ })).toBeChecked());

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add override' }));
    await user.type(screen.getByRole('textbox', { name: 'Key' }), 'parallelism.default');
    await user.type(screen.getByRole('textbox', { name: 'Value' }), '2');
    await user.click(screen.getByRole('button', { name: 'Start' }));

    await waitFor(() => expect(closed).toBe(1));
    const start = calls.find((c) => c.method === 'POST')!;
    expect(start.body).toEqual({
      fromSavepoint: 'latest',
      allowNonRestoredState: false,
      flinkConfiguration: { 'parallelism.default': '2' },
    });
    expect(start.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('warns in plain words that starting without state drops it', async () => {
    const calls = fakeServer({
      'GET /api/v1/pipelines/1/savepoints': ledger('file:///sp/savepoint-1'),
      'POST /api/v1/pipelines/1/runs': () =>
        problem(409, 'Conflict', "Pipeline 'orders-to-lake' has an active run already."),
    });
    renderWith(<StartDialog pipeline={stopped} open onClose={() => {}} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('radio', { name: /No state/ }));
    expect(screen.getByTestId('none-warning')).toHaveTextContent('dropped');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    // The problem is shown readable, in the dialog.
    expect(await screen.findByTestId('problem')).toHaveTextContent('has an active run already');
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ fromSavepoint: 'none' });
  });

  it('starts fresh by default when there is no restore point', async () => {
    fakeServer({ 'GET /api/v1/pipelines/1/savepoints': ledger(null) });
    renderWith(<StartDialog pipeline={stopped} open onClose={() => {}} />);
    expect(await screen.findByText('No restore point: a start begins without state.')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: /No state/ })).toBeChecked();
    expect(screen.getByRole('radio', { name: /The restore point/ })).toBeDisabled();
  });
});
