// Answers as the server gives them, typed by the OpenAPI document, for tests to start from.
import type { Cluster, CurrentRun, Pipeline } from '../api/types';

export const runJson = (over: Partial<CurrentRun> = {}): CurrentRun => ({
  id: 9,
  state: 'RUNNING',
  stale: false,
  active: true,
  jobId: 'a'.repeat(32),
  startedAt: '2026-01-02T10:00:00Z',
  ...over,
});

export const pipelineJson = (over: Partial<Pipeline> = {}): Pipeline => ({
  id: 1,
  name: 'orders-to-lake',
  description: '',
  clusterId: 3,
  labels: { team: 'core' },
  owner: 'olga',
  version: 4,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-02T00:00:00Z',
  currentRun: runJson(),
  ...over,
});

export const clusterJson: Cluster = {
  id: 3,
  name: 'flink-prod',
  restUrl: 'http://127.0.0.1:18081',
  auth: { type: 'none' },
  headers: {},
  tls: { insecure: false, caPem: null },
  labels: {},
  description: '',
  cdc: { mode: 'provided', version: '3.2.0', detectedVersion: '3.2.0', effectiveVersion: '3.2.0', warnings: [] },
  version: 1,
  createdAt: 'x',
  updatedAt: 'x',
  health: {
    status: 'HEALTHY',
    reachable: true,
    flinkVersion: '1.20.1',
    taskManagers: 1,
    slotsTotal: 4,
    slotsFree: 3,
    runningJobs: 1,
    latencyMs: 12,
    lastSeen: '2026-01-01T00:00:00Z',
    checkedAt: null,
    error: null,
    flinkCdcVersion: '3.2.0',
  },
  flinkUiUrl: 'http://127.0.0.1:18081',
};
