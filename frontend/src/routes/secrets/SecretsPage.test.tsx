import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NamedSecret } from '../../api/types';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const secret = (name: string, usedBy: string[]): NamedSecret => ({
  name,
  description: '',
  reference: `\${secret:${name}}`,
  version: 2,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'olga',
  usedBy,
});

describe('named secrets page', () => {
  it('lists the pipelines using a secret and offers no delete for it; deletes an unused one', async () => {
    let items = [secret('mysql-prod', ['orders-to-lake']), secret('old', [])];
    const { calls } = renderApp(
      '/secrets',
      {
        'GET /api/v1/secrets?limit=500': () => json(200, { items, total: items.length, limit: 500, offset: 0 }),
        'DELETE /api/v1/secrets/old': () => {
          items = items.filter((s) => s.name !== 'old');
          return new Response(null, { status: 204 });
        },
      },
      'admin',
    );
    const used = await screen.findByTestId('used-by-mysql-prod');
    expect(within(used).getByRole('link', { name: 'orders-to-lake' })).toHaveAttribute(
      'href',
      '/pipelines/orders-to-lake',
    );
    expect(screen.getByTestId('delete-mysql-prod')).toBeDisabled();

    const u = userEvent.setup();
    await u.click(screen.getByTestId('delete-old'));
    await u.click(
      within(document.querySelector('.ant-popconfirm') as HTMLElement).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(screen.queryByText('old')).not.toBeInTheDocument());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/v1/secrets/old']);
    expect(calls.find((c) => c.method === 'DELETE')!.headers['if-match']).toBe('"2"');
  });

  it('says a secret changed meanwhile was not deleted, and to reload', async () => {
    const items = [secret('old', [])];
    renderApp(
      '/secrets',
      {
        'GET /api/v1/secrets?limit=500': () => json(200, { items, total: items.length, limit: 500, offset: 0 }),
        'DELETE /api/v1/secrets/old': () =>
          json(412, { title: 'Precondition Failed', status: 412, detail: 'changed meanwhile', currentVersion: 3 }),
      },
      'admin',
    );
    const u = userEvent.setup();
    await u.click(await screen.findByTestId('delete-old'));
    await u.click(
      within(document.querySelector('.ant-popconfirm') as HTMLElement).getByRole('button', { name: 'Delete' }),
    );
    const problem = await screen.findByTestId('problem');
    expect(within(problem).getByText('Changed by someone else')).toBeInTheDocument();
    expect(within(problem).getByText(/Reload it and apply your change again/)).toBeInTheDocument();
  });

  it('sends a new value write-only and shows viewers names but no actions', async () => {
    renderApp(
      '/secrets',
      {
        'GET /api/v1/secrets?limit=500': () =>
          json(200, { items: [secret('mysql-prod', [])], total: 1, limit: 500, offset: 0 }),
      },
      'viewer',
    );
    expect(await screen.findByText('mysql-prod')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('me-role')).toHaveTextContent('viewer'));
    expect(screen.queryByTestId('add-secret')).not.toBeInTheDocument();
    expect(screen.queryByTestId('set-mysql-prod')).not.toBeInTheDocument();
  });

  it('puts a value and never shows it back', async () => {
    const { calls } = renderApp(
      '/secrets',
      {
        'GET /api/v1/secrets?limit=500': () => json(200, { items: [], total: 0, limit: 500, offset: 0 }),
        'PUT /api/v1/secrets/kafka': () => json(201, { name: 'kafka', created: true }),
      },
      'admin',
    );
    const u = userEvent.setup();
    await u.click(await screen.findByTestId('add-secret'));
    await u.click(screen.getByTestId('secret-name'));
    await u.paste('kafka');
    await u.click(screen.getByTestId('secret-value'));
    await u.paste('p4ss-w0rd');
    await u.click(screen.getByTestId('secret-save'));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ value: 'p4ss-w0rd', description: '' }),
    );
    await waitFor(() => expect(screen.queryByTestId('secret-value')).not.toBeInTheDocument());
  });
});
