import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../api/types';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const event: AuditEvent = {
  id: 41,
  at: '2026-01-02T10:00:00Z',
  actorId: 1,
  actor: 'olga',
  action: 'user.create',
  resourceType: 'user',
  resourceId: '3',
  outcome: 'success',
  status: 201,
  clientAddress: '127.0.0.1',
  detail: { username: 'otto', role: 'operator' } as never,
};
const page = (items: AuditEvent[], total = items.length) => json(200, { items, total, limit: 50, offset: 0 });

describe('audit page', () => {
  it('filters by actor and action prefix through the address, shows a row’s detail, and exports every match', async () => {
    const created: Blob[] = [];
    vi.stubGlobal(
      'URL',
      Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), 'blob:x'), revokeObjectURL: () => {} }),
    );
    const { calls } = renderApp(
      '/audit',
      {
        'GET /api/v1/audit?limit=50&offset=0': () => page([], 0),
        'GET /api/v1/audit?actor=olga&action=user.*&limit=50&offset=0': () => page([event], 120),
        'GET /api/v1/audit/export?actor=olga&action=user.*': () =>
          new Response('"id"\r\n"41"\r\n', {
            status: 200,
            headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="audit-x.csv"' },
          }),
      },
      'admin',
    );
    const u = userEvent.setup();
    expect(await screen.findByText('No audit events match.')).toBeInTheDocument();
    await u.click(screen.getByTestId('audit-actor'));
    await u.paste('olga');
    await u.click(screen.getByTestId('audit-action'));
    await u.paste('user.');
    await u.click(screen.getByTestId('audit-apply'));

    await u.click(await screen.findByText('user.create'));
    expect(await screen.findByTestId('audit-detail-41')).toHaveTextContent('"username": "otto"');
    expect(screen.getByText('120 in total')).toBeInTheDocument();

    await u.click(screen.getByTestId('audit-export'));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(await created[0]!.text()).toBe('"id"\r\n"41"\r\n');
    expect(calls.filter((c) => c.url.startsWith('/api/v1/audit/export')).map((c) => c.url)).toEqual([
      '/api/v1/audit/export?actor=olga&action=user.*',
    ]);
  });
});
