import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/types';
import { clusterJson } from '../../test/fixtures';
import { fakeServer } from '../../test/fakeServer';
import { renderWith } from '../../test/renderWith';
import { ClusterForm } from './ClusterForm';

const withVersion = (c: Cluster, status = 200) =>
  new Response(JSON.stringify(c), { status, headers: { 'Content-Type': 'application/json', ETag: `"${c.version}"` } });

// Only admins reach the form (ClusterPage.test: a viewer gets no edit).
describe('cluster form', () => {
  it('adds a cluster with a bearer token and labels', async () => {
    const calls = fakeServer({
      'POST /api/v1/clusters': () => withVersion({ ...clusterJson, id: 4, name: 'flink-test' }, 201),
    });
    let saved: Cluster | undefined;
    renderWith(<ClusterForm open onClose={(c) => (saved = c)} />);
    expect(await screen.findByText('Add a cluster')).toBeInTheDocument();
    const user = userEvent.setup();
    const form = await screen.findByTestId('cluster-form');
    const field = (label: string) => within(form).getByLabelText(label);
    await user.click(field('Name'));
    await user.paste('flink-test');
    await user.click(field('REST URL'));
    await user.paste('http://127.0.0.1:18082');
    await user.click(within(form).getByRole('radio', { name: 'Bearer token' }));
    await user.click(field('Token'));
    await user.paste('s3cret');
    await user.click(field('Labels'));
    await user.paste('env=test\nteam = core');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(saved?.id).toBe(4));
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      name: 'flink-test',
      restUrl: 'http://127.0.0.1:18082',
      auth: { type: 'bearer', token: 's3cret' },
      tls: { insecure: false },
      labels: { env: 'test', team: 'core' },
      cdc: { mode: 'provided', version: null },
    });
  });

  it('edits against the version shown and sends the masked password back, which keeps it', async () => {
    const basic: Cluster = {
      ...clusterJson,
      version: 7,
      auth: { type: 'basic', username: 'flink', password: '******' },
    };
    const calls = fakeServer({
      'PUT /api/v1/clusters/3': () => withVersion({ ...basic, version: 8, description: 'prod' }),
    });
    let saved: Cluster | undefined;
    renderWith(<ClusterForm cluster={basic} open onClose={(c) => (saved = c)} />);
    expect(await screen.findByText('Edit cluster flink-prod')).toBeInTheDocument();
    const user = userEvent.setup();
    const form = await screen.findByTestId('cluster-form');
    expect(within(form).getByText('Leave as ****** to keep the stored value.')).toBeInTheDocument();
    await user.click(within(form).getByLabelText('Description'));
    await user.paste('prod');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(saved?.version).toBe(8));
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.headers['if-match']).toBe('"7"');
    expect(put.body).toMatchObject({
      name: 'flink-prod',
      description: 'prod',
      auth: { type: 'basic', username: 'flink', password: '******' },
    });
  });
});
