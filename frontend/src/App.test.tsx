import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { fakeServer, json, problem } from './test/fakeServer';

const TOKEN_KEY = 'cdc-console.token';
const EXPIRES_KEY = 'cdc-console.expiresAt';
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App />
    </MemoryRouter>,
  );
}

async function signInAs(username: string, password: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByTestId('login-username'), username);
  await user.type(screen.getByTestId('login-password'), password);
  await user.click(screen.getByTestId('login-submit'));
}

describe('login', () => {
  it('posts the credentials and shows who is signed in', async () => {
    const calls = fakeServer({
      'POST /api/v1/auth/login': () => json(200, { token: 'tok-1', expiresAt: inAnHour() }),
      'GET /api/v1/me': () =>
        json(200, { id: 7, username: 'alice', role: 'operator', createdAt: '2025-01-01T00:00:00Z' }),
    });
    renderAt('/');

    // Not signed in: sent to the login form.
    expect(await screen.findByTestId('login-submit')).toBeInTheDocument();
    await signInAs('alice', 's3cret');

    expect(await screen.findByTestId('me-username')).toHaveTextContent('alice');
    expect(screen.getByTestId('me-role')).toHaveTextContent('operator');
    expect(screen.getByText(/Signed in as/)).toBeInTheDocument();
    expect(screen.getByTestId('sign-out')).toBeInTheDocument();
    expect(screen.queryByTestId('login-submit')).not.toBeInTheDocument();

    const login = calls.find((c) => c.url === '/api/v1/auth/login');
    expect(login).toBeDefined();
    expect(login!.method).toBe('POST');
    expect(login!.headers['content-type']).toBe('application/json');
    expect(login!.body).toEqual({ username: 'alice', password: 's3cret' });
    expect(login!.headers.authorization).toBeUndefined();

    const me = calls.find((c) => c.url === '/api/v1/me');
    expect(me).toBeDefined();
    expect(me!.headers.authorization).toBe('Bearer tok-1');

    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe('tok-1');
  });

  it.each([
    [401, 'Unauthorized', 'Invalid username or password.'],
    [429, 'Too Many Requests', 'Too many failed sign-ins for this account; try again in 42 seconds.'],
  ])('shows the detail of a %i problem answer', async (status, title, detail) => {
    const calls = fakeServer({
      'POST /api/v1/auth/login': () => problem(status, title, detail),
    });
    renderAt('/login');
    await signInAs('alice', 'wrong');

    expect(await screen.findByTestId('login-error')).toHaveTextContent(detail);
    expect(screen.getByTestId('login-submit')).toBeEnabled();
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/login']);
  });

  it('falls back to the title, then to a generic message', async () => {
    fakeServer({
      'POST /api/v1/auth/login': () =>
        new Response(JSON.stringify({ title: 'Bad Request', status: 400 }), {
          status: 400,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
    });
    renderAt('/login');
    await signInAs('alice', 'x');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Bad Request');
  });

  it('says so when the server answers without a problem body', async () => {
    fakeServer({
      'POST /api/v1/auth/login': () =>
        new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    });
    renderAt('/login');
    await signInAs('alice', 'x');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('HTTP 502');
  });

  it('says so when the server cannot be reached', async () => {
    fakeServer({
      'POST /api/v1/auth/login': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    renderAt('/login');
    await signInAs('alice', 'x');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Could not reach the server');
  });

  it('comes back to a deep link after signing in, inside the app shell', async () => {
    fakeServer({
      'POST /api/v1/auth/login': () => json(200, { token: 'tok-2', expiresAt: inAnHour() }),
      'GET /api/v1/me': () => json(200, { id: 1, username: 'bob', role: 'viewer' }),
    });
    renderAt('/nowhere/orders-to-lake?tab=runs');

    await signInAs('bob', 'pw');

    expect(await screen.findByTestId('not-found')).toHaveTextContent('/nowhere/orders-to-lake');
    expect(await screen.findByTestId('me-username')).toHaveTextContent('bob');
    expect(screen.getByTestId('me-role')).toHaveTextContent('viewer');
  });

  it('sends a signed-in visitor of /login to the overview', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 'tok-3');
    fakeServer({ 'GET /api/v1/me': () => json(200, { id: 2, username: 'carol', role: 'admin' }) });
    renderAt('/login');
    expect(await screen.findByTestId('me-username')).toHaveTextContent('carol');
    expect(screen.getByTestId('me-role')).toHaveTextContent('admin');
    expect(screen.queryByTestId('login-submit')).not.toBeInTheDocument();
  });
});

describe('who am I', () => {
  it('goes back to the login page when the session has ended (401 from /me)', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 'stale');
    const calls = fakeServer({
      'GET /api/v1/me': () => problem(401, 'Unauthorized', 'The session has expired.'),
    });
    renderAt('/');

    expect(await screen.findByTestId('login-submit')).toBeInTheDocument();
    expect(screen.getByTestId('login-notice')).toHaveTextContent('session has ended');
    expect(screen.queryByTestId('me-username')).not.toBeInTheDocument();
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(calls[0]!.headers.authorization).toBe('Bearer stale');
  });

  it('does not use a stored session that has already expired', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 'old');
    window.sessionStorage.setItem(EXPIRES_KEY, String(Date.now() - 1000));
    const calls = fakeServer({});
    renderAt('/');
    expect(await screen.findByTestId('login-submit')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('offers a retry when /me fails for another reason', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 'tok');
    let fail = true;
    fakeServer({
      'GET /api/v1/me': () =>
        fail
          ? problem(503, 'Service Unavailable', 'Database is starting.')
          : json(200, { id: 3, username: 'dave', role: 'viewer' }),
    });
    renderAt('/');
    expect(await screen.findByRole('alert')).toHaveTextContent('Database is starting.');
    fail = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('me-username')).toHaveTextContent('dave');
  });

  it('signs out', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 'tok-4');
    fakeServer({ 'GET /api/v1/me': () => json(200, { id: 4, username: 'erin', role: 'operator' }) });
    renderAt('/');
    expect(await screen.findByTestId('me-username')).toHaveTextContent('erin');

    await userEvent.setup().click(screen.getByTestId('sign-out'));

    expect(await screen.findByTestId('login-submit')).toBeInTheDocument();
    await waitFor(() => expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull());
    expect(screen.queryByTestId('login-notice')).not.toBeInTheDocument();
  });
});
