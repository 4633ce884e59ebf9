import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DsConnection } from '../../api/types';
import { fakeServer, json } from '../../test/fakeServer';
import { renderWith } from '../../test/renderWith';
import { adminEntries } from '../../components/Layout';
import DsConnectionsPage from './DsConnectionsPage';

/** The page alone (the app's providers, no shell), against a fake server. */
function renderPage(routes: Parameters<typeof fakeServer>[0]) {
  const calls = fakeServer(routes);
  renderWith(<DsConnectionsPage />);
  return { calls };
}

const conn: DsConnection = {
  id: 2,
  name: 'ds-prod',
  url: 'http://ds-api:12345',
  version: '3.3',
  token: '******',
  description: '',
  revision: 3,
  createdAt: '2026-01-02T10:00:00Z',
  updatedAt: '2026-01-02T10:00:00Z',
};
const page = (items: DsConnection[]) => json(200, { items, total: items.length, limit: 500, offset: 0 });

describe('DolphinScheduler connections page', () => {
  it('adds a connection with a write-only token, then shows it masked', async () => {
    let listed: DsConnection[] = [];
    const { calls } = renderPage({
      'GET /api/v1/ds-connections?limit=500': () => page(listed),
      'POST /api/v1/ds-connections': () => {
        listed = [conn];
        return json(201, conn);
      },
    });
    expect(await screen.findByText('No DolphinScheduler connection yet.')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('ds-connection-add'));
    const form = await screen.findByTestId('ds-connection-form');
    await user.click(within(form).getByLabelText('Name'));
    await user.paste('ds-prod');
    await user.click(within(form).getByLabelText('API server URL'));
    await user.paste('http://ds-api:12345');
    await user.click(within(form).getByLabelText('Access token'));
    await user.paste('ds-secret-token');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const row = (await screen.findByText('ds-prod')).closest('tr')!;
    expect(within(row).getByText('******')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      name: 'ds-prod',
      url: 'http://ds-api:12345',
      version: '3.3',
      token: 'ds-secret-token',
      description: '',
    });
  });

  it('edits a connection sending the mask back, which keeps the token', async () => {
    const { calls } = renderPage({
      'GET /api/v1/ds-connections?limit=500': () => page([conn]),
      'PUT /api/v1/ds-connections/ds-prod': () => json(200, { ...conn, version: '3.2' }),
    });
    const row = (await screen.findByText('ds-prod')).closest('tr')!;
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    const form = await screen.findByTestId('ds-connection-form');
    expect(within(form).getByLabelText('Name')).toBeDisabled();
    expect(
      within(form).getByText('Leave as ****** to keep the stored token; type a new one to replace it.'),
    ).toBeInTheDocument();
    await user.click(within(form).getByText('3.2'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')!.body).toMatchObject({
      url: conn.url,
      version: '3.2',
      token: '******',
    });
    expect(calls.find((c) => c.method === 'PUT')!.headers['if-match']).toBe('"3"');
  });

  it('says when the connection was changed by someone else meanwhile', async () => {
    renderPage({
      'GET /api/v1/ds-connections?limit=500': () => page([conn]),
      'PUT /api/v1/ds-connections/ds-prod': () =>
        json(412, { title: 'Precondition Failed', status: 412, detail: 'changed', currentVersion: 4 }),
    });
    const row = (await screen.findByText('ds-prod')).closest('tr')!;
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    await screen.findByTestId('ds-connection-form');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Changed by someone else')).toBeInTheDocument();
  });

  it('tests a connection: signed in, or why not', async () => {
    let answer = {
      connection: 'ds-prod',
      url: conn.url,
      version: '3.3',
      reachable: true,
      authenticated: true,
      user: 'etl-bot',
      message: 'ok',
    };
    renderPage({
      'GET /api/v1/ds-connections?limit=500': () => page([conn]),
      'POST /api/v1/ds-connections/ds-prod/test': () => json(200, answer),
    });
    const row = (await screen.findByText('ds-prod')).closest('tr')!;
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Test connection' }));
    const outcome = await within(row).findByTestId('ds-test-outcome');
    expect(outcome).toHaveAttribute('data-authenticated', 'true');
    expect(within(outcome).getByText('Signed in as etl-bot')).toBeInTheDocument();
    answer = {
      ...answer,
      reachable: false,
      authenticated: false,
      message: 'DolphinScheduler cannot be reached: Connection refused',
    };
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(within(row).getByTestId('ds-test-outcome')).toHaveAttribute('data-reachable', 'false'));
    expect(within(row).getByText('Not reachable')).toBeInTheDocument();
  });

  it('says why a test failed: reachable, token refused', async () => {
    renderPage({
      'GET /api/v1/ds-connections?limit=500': () => page([conn]),
      'POST /api/v1/ds-connections/ds-prod/test': () =>
        json(200, {
          connection: 'ds-prod',
          url: conn.url,
          version: '3.3',
          reachable: true,
          authenticated: false,
          httpStatus: 401,
          message: 'DolphinScheduler does not accept the token (HTTP 401).',
        }),
    });
    const row = (await screen.findByText('ds-prod')).closest('tr')!;
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Test connection' }));
    const outcome = await within(row).findByTestId('ds-test-outcome');
    expect(within(outcome).getByText('Reachable')).toBeInTheDocument();
    expect(within(outcome).getByText('Token refused')).toBeInTheDocument();
    expect(within(outcome).getByText('DolphinScheduler does not accept the token (HTTP 401).')).toBeInTheDocument();
  });

  it('is in the Administration menu of an admin only', () => {
    expect(adminEntries(true).map((e) => e.path)).toContain('/ds-connections');
    expect(adminEntries(false).map((e) => e.path)).not.toContain('/ds-connections');
  });
});
