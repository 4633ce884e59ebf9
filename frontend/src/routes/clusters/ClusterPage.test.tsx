import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';
import { clusterJson } from '../../test/fixtures';

describe('cluster page', () => {
  it('lists the pipelines that keep a cluster from being deleted', async () => {
    renderApp(
      '/clusters/3',
      {
        'GET /api/v1/clusters/3': () => json(200, clusterJson),
        'DELETE /api/v1/clusters/3': () =>
          new Response(
            JSON.stringify({
              title: 'Conflict',
              status: 409,
              detail: "Cluster 'flink-prod' is used by 2 pipelines.",
              pipelines: [
                { id: 1, name: 'orders-to-lake' },
                { id: 2, name: 'users-sync' },
              ],
            }),
            { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
          ),
      },
      'admin',
    );
    expect(await screen.findByText('1.20.1')).toBeInTheDocument();
    expect(screen.getByTestId('cluster-status')).toHaveTextContent('Healthy');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Delete cluster flink-prod?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    const refused = await screen.findByTestId('delete-refused');
    expect(
      within(refused)
        .getAllByRole('link')
        .map((a) => [a.textContent, a.getAttribute('href')]),
    ).toEqual([
      ['orders-to-lake', '/pipelines/1/overview'],
      ['users-sync', '/pipelines/2/overview'],
    ]);
  });

  it('shows the Flink CDC version it detected and the warnings about it', async () => {
    const warning =
      "cdc.version says 3.2.0 but the cluster's class path holds Flink CDC 3.5.0; pipelines are checked against 3.5.0";
    const detected = {
      ...clusterJson,
      cdc: {
        mode: 'provided' as const,
        version: '3.2.0',
        detectedVersion: '3.5.0',
        effectiveVersion: '3.5.0',
        warnings: [warning],
      },
    };
    renderApp('/clusters/3', { 'GET /api/v1/clusters/3': () => json(200, detected) }, 'viewer');
    expect(await screen.findByTestId('cluster-cdc')).toHaveTextContent('Provided by the cluster · 3.5.0 (detected)');
    expect(screen.getByTestId('cluster-cdc-warnings')).toHaveTextContent(warning);
  });

  it('says a stated version is as stated, and shows no warning when there is none', async () => {
    const stated = {
      ...clusterJson,
      cdc: {
        mode: 'provided' as const,
        version: '3.2.0',
        detectedVersion: null,
        effectiveVersion: '3.2.0',
        warnings: [],
      },
    };
    renderApp('/clusters/3', { 'GET /api/v1/clusters/3': () => json(200, stated) }, 'viewer');
    expect(await screen.findByTestId('cluster-cdc')).toHaveTextContent('Provided by the cluster · 3.2.0 (as stated)');
    expect(screen.queryByTestId('cluster-cdc-warnings')).not.toBeInTheDocument();
  });

  it('offers a viewer no edit or delete', async () => {
    renderApp('/clusters/3', { 'GET /api/v1/clusters/3': () => json(200, clusterJson) }, 'viewer');
    expect(await screen.findByText('1.20.1')).toBeInTheDocument();
    expect(await screen.findByTestId('me-role')).toHaveTextContent('viewer');
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });
});
