import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeServer, json } from '../../test/fakeServer';
import { pipelineJson } from '../../test/fixtures';
import { renderWith } from '../../test/renderWith';
import { CancelDialog } from './CancelDialog';

describe('cancel dialog', () => {
  it('names the pipeline, keeps the job on the safe button and cancels only on confirm', async () => {
    const calls = fakeServer({
      'POST /api/v1/pipelines/1/cancel': () => json(202, { id: 9, pipelineId: 1, state: 'CANCELLING' }),
    });
    let closed = 0;
    renderWith(<CancelDialog pipeline={pipelineJson()} open onClose={() => closed++} />);
    expect(await screen.findByText('Cancel orders-to-lake?')).toBeInTheDocument();
    expect(screen.getByText('The Flink job is cancelled at once, without a savepoint.')).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Keep running' }));
    expect(closed).toBe(1);
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);

    await user.click(screen.getByTestId('cancel-confirm'));
    await waitFor(() => expect(closed).toBe(2));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/pipelines/1/cancel']);
  });
});
