import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../api/types';
import { json } from '../../test/fakeServer';
import { pipelineJson } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { parseLabels } from '../../components/labels';

const SECRET = 'cdc_secret-shown-once-1234567890';
const token: ApiToken = {
  id: 7,
  userId: 1,
  username: 'olga',
  name: 'ds-orders',
  role: 'operator',
  status: 'active',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  scope: { pipelines: ['orders-to-lake'], labels: { team: 'data' } },
};

describe('API tokens page', () => {
  it('creates a scoped token, shows its secret once with a warning, and forgets it on close', async () => {
    let listed: ApiToken[] = [];
    const { calls } = renderApp('/tokens', {
      'GET /api/v1/tokens?limit=500': () => json(200, { items: listed, total: listed.length, limit: 500, offset: 0 }),
      'GET /api/v1/pipelines?limit=500&sort=name': () =>
        json(200, { items: [pipelineJson({ name: 'orders-to-lake' })], total: 1, limit: 500, offset: 0 }),
      'POST /api/v1/tokens': () => {
        listed = [token];
        return json(201, { ...token, token: SECRET });
      },
    });
    const u = userEvent.setup();
    await u.click(await screen.findByTestId('add-token'));
    await u.click(screen.getByTestId('token-name'));
    await u.paste('ds-orders');
    await u.click(screen.getByTestId('token-pipelines'));
    await u.click(await screen.findByTitle('orders-to-lake'));
    await u.click(screen.getByTestId('token-labels'));
    await u.paste('team=data');
    await u.click(screen.getByTestId('create-token'));

    expect(await screen.findByTestId('token-secret')).toHaveTextContent(SECRET);
    expect(screen.getByText(/It is shown only this once/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'ds-orders',
      role: 'operator',
      expiresInDays: 90,
      scope: { pipelines: ['orders-to-lake'], labels: { team: 'data' } },
    });
    await u.click(screen.getByTestId('token-done'));
    await waitFor(() => expect(screen.queryByTestId('token-secret')).not.toBeInTheDocument());
    expect(await screen.findByText('team=data')).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('refuses labels that are not key=value', () => {
    expect(parseLabels('team=data\n tier = gold \n')).toEqual({ labels: { team: 'data', tier: 'gold' }, bad: [] });
    expect(parseLabels('team\n=x\nk=').bad).toEqual(['team', '=x', 'k=']);
    expect(parseLabels(undefined)).toEqual({ labels: {}, bad: [] });
  });

  it('lets an admin see everyone’s tokens with their owners', async () => {
    const { calls } = renderApp(
      '/tokens',
      {
        'GET /api/v1/tokens?limit=500': () => json(200, { items: [], total: 0, limit: 500, offset: 0 }),
        'GET /api/v1/tokens?all=true&limit=500': () =>
          json(200, { items: [{ ...token, username: 'pat' }], total: 1, limit: 500, offset: 0 }),
      },
      'admin',
    );
    const u = userEvent.setup();
    await u.click(await screen.findByText('Everyone’s'));
    expect(await screen.findByText('pat')).toBeInTheDocument();
    expect(calls.some((c) => c.url === '/api/v1/tokens?all=true&limit=500')).toBe(true);
  });
});
