import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Orphan } from '../../api/types';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const orphan: Orphan = {
  clusterId: 3,
  cluster: 'flink-prod',
  jobId: 'f'.repeat(32),
  name: 'orders-to-lake',
  state: 'RUNNING',
  pipelineId: 1,
  startTime: '2026-01-02T10:00:00Z',
};

describe('orphans page', () => {
  it('adopts a job as a run of its pipeline after naming both, and lists the orphans again', async () => {
    let listed = 0;
    const { calls } = renderApp('/orphans', {
      'GET /api/v1/orphans': () => {
        const items = listed++ === 0 ? [orphan] : []; // adopted: no longer an orphan
        return json(200, { items, total: items.length, limit: 100, offset: 0 });
      },
      'POST /api/v1/pipelines/1/adopt': () =>
        json(201, { id: 12, pipelineId: 1, jobId: orphan.jobId, state: 'RUNNING' }),
    });
    const row = (await screen.findByText(orphan.jobId)).closest('tr')!;
    expect(within(row).getByRole('link', { name: 'flink-prod' })).toHaveAttribute('href', '/clusters/3');

    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Adopt' }));
    const confirm = await screen.findByText(`Track job ${orphan.jobId} as a run of orders-to-lake?`);
    await user.click(within(confirm.closest('.ant-popconfirm')! as HTMLElement).getByRole('button', { name: 'Adopt' }));

    expect(await screen.findByText('No orphaned jobs.')).toBeInTheDocument();
    const adopts = calls.filter((c) => c.method === 'POST');
    expect(adopts.map((c) => [c.url, c.body])).toEqual([['/api/v1/pipelines/1/adopt', { jobId: orphan.jobId }]]);
  });

  it('offers a viewer no adopt', async () => {
    renderApp(
      '/orphans',
      { 'GET /api/v1/orphans': () => json(200, { items: [orphan], total: 1, limit: 100, offset: 0 }) },
      'viewer',
    );
    await screen.findByText(orphan.jobId);
    await waitFor(() => expect(screen.getByTestId('me-role')).toHaveTextContent('viewer'));
    expect(screen.queryByRole('button', { name: 'Adopt' })).not.toBeInTheDocument();
  });
});
