import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { App, newQueryClient } from '../App';
import type { Role } from '../api/types';
import { fakeServer, json } from './fakeServer';

type Routes = Parameters<typeof fakeServer>[0];

/** The whole app at `path`, signed in with `role`, against a fake server; returns the recorded calls and the cache. */
export function renderApp(path: string, routes: Routes, role: Role = 'operator') {
  window.sessionStorage.setItem('cdc-console.token', 'tok');
  const calls = fakeServer({
    'GET /api/v1/me': () =>
      json(200, { id: 1, username: 'olga', role, disabled: false, createdAt: 'x', updatedAt: 'x' }),
    ...routes,
  });
  const queryClient = newQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <App queryClient={queryClient} />
    </MemoryRouter>,
  );
  return { calls, queryClient, ...view };
}
