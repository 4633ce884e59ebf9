import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const tooShort = () =>
  new Response(
    JSON.stringify({
      type: 'urn:cdc-console:problem:validation-failed',
      title: 'Validation Failed',
      status: 400,
      detail: '1 field is invalid; see errors.',
      errors: [{ path: 'newPassword', message: 'must be at least 12 characters' }],
    }),
    { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
  );

describe('me page', () => {
  it('changes the password: the server’s objection shows at its field, then the new token is kept', async () => {
    let answers = 0;
    const { calls } = renderApp('/me', {
      'PUT /api/v1/me/password': () =>
        answers++ === 0 ? tooShort() : json(200, { token: 'new-token', expiresAt: '2099-01-01T00:00:00Z' }),
    });
    expect(await screen.findByText('You can run, stop and schedule pipelines.')).toBeInTheDocument();
    const user = userEvent.setup();
    const fill = async (label: string, value: string) => {
      await user.tripleClick(screen.getByLabelText(label));
      await user.paste(value);
    };
    const submit = () => user.click(screen.getAllByRole('button', { name: 'Change password' }).at(-1)!);

    await fill('Current password', 'old-password');
    await fill('New password', 'short');
    await fill('New password again', 'short');
    await submit();
    expect(await screen.findByText('must be at least 12 characters')).toBeInTheDocument();

    await fill('New password', 'a-much-longer-one');
    await fill('New password again', 'a-much-longer-one');
    await submit();
    expect(await screen.findByText('Password changed. Your other sessions have ended.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { currentPassword: 'old-password', newPassword: 'short' },
      { currentPassword: 'old-password', newPassword: 'a-much-longer-one' },
    ]);
    await waitFor(() => expect(window.sessionStorage.getItem('cdc-console.token')).toBe('new-token'));
  });
});
