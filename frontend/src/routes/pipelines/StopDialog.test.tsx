import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeServer, json, problem } from '../../test/fakeServer';
import { pipelineJson } from '../../test/fixtures';
import { renderWith } from '../../test/renderWith';
import { StopDialog } from './StopDialog';

const stopping = () => json(202, { id: 9, pipelineId: 1, state: 'STOPPING' });

describe('stop dialog', () => {
  it('takes a savepoint by default and sends drain and the target directory', async () => {
    const calls = fakeServer({ 'POST /api/v1/pipelines/1/stop': stopping });
    let closed = 0;
    renderWith(<StopDialog pipeline={pipelineJson()} open onClose={() => closed++} />);
    expect(await screen.findByText('Stop orders-to-lake')).toBeInTheDocument();
    const savepoint = screen.getByRole('checkbox', { name: /Take a savepoint first/ });
    expect(savepoint).toBeChecked();
    expect(screen.queryByText(/Without a savepoint/)).not.toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole('checkbox', { name: /Drain/ }));
    await user.click(screen.getByRole('textbox', { name: 'Savepoint directory (optional)' }));
    await user.paste('  s3://sp/orders  ');
    await user.click(screen.getByTestId('stop-confirm'));

    await waitFor(() => expect(closed).toBe(1));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { savepoint: true, drain: true, targetDirectory: 's3://sp/orders' },
    ]);
  });

  it('without a savepoint warns, turns off drain and directory, and shows a refusal in place', async () => {
    const calls = fakeServer({
      'POST /api/v1/pipelines/1/stop': () => problem(409, 'Conflict', 'The run is not running (state CANCELLING).'),
    });
    let closed = 0;
    renderWith(<StopDialog pipeline={pipelineJson()} open onClose={() => closed++} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('checkbox', { name: /Take a savepoint first/ }));
    expect(screen.getByText(/Without a savepoint the next start restores/)).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /Drain/ })).toBeDisabled();
    expect(screen.getByRole('textbox', { name: 'Savepoint directory (optional)' })).toBeDisabled();

    await user.click(screen.getByTestId('stop-confirm'));
    expect(await screen.findByText('The run is not running (state CANCELLING).')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ savepoint: false, drain: false });
    expect(closed).toBe(0);
  });
});
