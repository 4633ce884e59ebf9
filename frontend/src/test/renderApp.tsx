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
    'GET /api/v1/me': () => json(200, { id: 1, username: 'olga', role, disabled: false, createdAt: 'x', updatedAt: 'x' }),
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

export const pipelineJson = (over: Record<string, unknown> = {}) => ({
  id: 1,
  name: 'orders-to-lake',
  description: '',
  clusterId: 3,
  labels: { team: 'core' },
  owner: 'olga',
  version: 4,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-02T00:00:00Z',
  currentRun: { id: 9, state: 'RUNNING', stale: false, active: true, jobId: 'a'.repeat(32) },
  ...over,
});

export const clusterJson = {
  id: 3,
  name: 'flink-prod',
  restUrl: 'http://127.0.0.1:18081',
  auth: { type: 'none' },
  headers: {},
  tls: { insecure: false, caPem: null },
  labels: {},
  description: '',
  cdc: { mode: 'provided', version: '3.2.0' },
  version: 1,
  createdAt: 'x',
  updatedAt: 'x',
  health: { status: 'HEALTHY', reachable: true, flinkVersion: '1.20.1', taskManagers: 1, slotsTotal: 4, slotsFree: 3, runningJobs: 1, latencyMs: 12, lastSeen: '2026-01-01T00:00:00Z', checkedAt: null, error: null },
  flinkUiUrl: 'http://127.0.0.1:18081',
};
