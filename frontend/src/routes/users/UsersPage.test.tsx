import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { User } from '../../api/types';
import { json, problem } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const user = (id: number, username: string, role: User['role'], disabled = false): User => ({
  id,
  username,
  role,
  disabled,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('users page', () => {
  it('shows in words why the last admin cannot be disabled', async () => {
    const { calls } = renderApp(
      '/users',
      {
        'GET /api/v1/users?limit=500': () =>
          json(200, { items: [user(1, 'olga', 'admin'), user(2, 'pat', 'viewer')], total: 2, limit: 500, offset: 0 }),
        'PATCH /api/v1/users/1': () =>
          problem(409, 'Conflict', "'olga' is the last enabled admin; make another user admin first."),
      },
      'admin',
    );
    const user1 = userEvent.setup();
    await user1.click(await screen.findByTestId('disable-olga'));
    await user1.click(
      within(document.querySelector('.ant-popconfirm') as HTMLElement).getByRole('button', { name: 'Disable' }),
    );
    expect(
      await screen.findByText("'olga' is the last enabled admin; make another user admin first."),
    ).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ disabled: true });
    expect(screen.getByText('you')).toBeInTheDocument();
  });

  it('creates a user with a role', async () => {
    const { calls } = renderApp(
      '/users',
      {
        'GET /api/v1/users?limit=500': () =>
          json(200, { items: [user(1, 'olga', 'admin')], total: 1, limit: 500, offset: 0 }),
        'POST /api/v1/users': () => json(201, user(3, 'otto', 'operator')),
      },
      'admin',
    );
    const u = userEvent.setup();
    await u.click(await screen.findByTestId('add-user'));
    await u.click(screen.getByTestId('new-username'));
    await u.paste('otto');
    await u.click(screen.getByTestId('new-password'));
    await u.paste('Otto-Pass-123');
    await u.click(screen.getByTestId('new-role'));
    await u.click(await screen.findByTitle('operator'));
    await u.click(screen.getByTestId('create-user'));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
        username: 'otto',
        password: 'Otto-Pass-123',
        role: 'operator',
      }),
    );
  });

  it('tells an operator the page is for admins, without asking the server', async () => {
    const { calls } = renderApp('/users', {}, 'operator');
    expect(await screen.findByTestId('forbidden-page')).toHaveTextContent(
      'This page is for users with the admin role; you have operator.',
    );
    expect(calls.some((c) => c.url.startsWith('/api/v1/users'))).toBe(false);
  });
});
