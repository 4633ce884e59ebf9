import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AlertChannel, AlertDelivery, AlertRule } from '../../api/types';
import { adminEntries } from '../../components/Layout';
import { json } from '../../test/fakeServer';
import { renderApp } from '../../test/renderApp';

const page = <T,>(items: T[]) => json(200, { items, total: items.length, limit: 500, offset: 0 });

const hook: AlertChannel = {
  id: 1,
  name: 'ops-hook',
  type: 'dingtalk',
  config: { url: '******', secret: '******' },
  description: 'ops robot',
  createdAt: '2026-01-02T10:00:00Z',
  updatedAt: '2026-01-02T10:00:00Z',
};
const rule: AlertRule = {
  id: 7,
  name: 'lag-high',
  pipeline: 'orders-to-lake',
  selector: {},
  kind: 'LAG',
  values: [],
  thresholdMs: 60_000,
  periods: 1,
  restarts: null,
  windowMs: null,
  severity: 'CRITICAL',
  forMs: 0,
  repeatMs: 0,
  sendResolved: true,
  channels: ['ops-hook'],
  silencedUntil: null,
  enabled: true,
  createdBy: 'olga',
  createdAt: '2026-01-02T10:00:00Z',
};
const failed: AlertDelivery = {
  id: 42,
  channel: 'ops-hook',
  channelType: 'dingtalk',
  rule: 'lag-high',
  pipeline: 'orders-to-lake',
  event: 'FIRING',
  message: {},
  status: 'FAILED',
  attempts: 10,
  lastError: 'HTTP 500',
  response: null,
  createdAt: '2026-01-02T10:00:00Z',
  deliveredAt: null,
  nextAttemptAt: null,
};
const base = {
  'GET /api/v1/alerts?limit=500': () =>
    page([
      {
        rule: 'lag-high',
        pipeline: 'orders-to-lake',
        severity: 'CRITICAL',
        status: 'FIRING',
        runId: 3,
        since: '2026-01-02T10:00:00Z',
        firedAt: '2026-01-02T10:01:00Z',
        summary: 'lag 2 min over 1 min',
      },
    ]),
  'GET /api/v1/alert-rules?limit=500': () => page([rule]),
  'GET /api/v1/alert-channels?limit=500': () => page([hook]),
  'GET /api/v1/alert-silences?limit=500': () => page([]),
  'GET /api/v1/alert-deliveries?limit=200': () => page([failed]),
  'GET /api/v1/alert-deliveries?limit=200&status=FAILED': () => page([failed]),
};

async function openTab(name: string) {
  await userEvent.setup().click(await screen.findByRole('tab', { name }));
}

describe('alerts page', () => {
  it('shows what fires now', async () => {
    renderApp('/alerts', base, 'viewer');
    const row = (await screen.findByText('lag 2 min over 1 min')).closest('tr')!;
    expect(within(row).getByText('firing')).toBeInTheDocument();
    expect(within(row).getByText('CRITICAL')).toBeInTheDocument();
  });

  it('lets an operator add a LAG rule, posting only the fields of its kind', async () => {
    const { calls } = renderApp('/alerts', {
      ...base,
      'POST /api/v1/alert-rules': () => json(201, { ...rule, id: 8, name: 'lag-orders' }),
    });
    await openTab('Rules');
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('alert-rule-add'));
    const form = await screen.findByTestId('alert-rule-form');
    await user.click(within(form).getByLabelText('Name'));
    await user.paste('lag-orders');
    await user.click(within(form).getByLabelText('Pipeline'));
    await user.paste('orders-to-lake');
    await user.click(within(form).getByLabelText('Kind'));
    await user.click(await screen.findByTitle('Lag'));
    await user.click(await within(form).findByLabelText('Threshold (ms)'));
    await user.paste('120000');
    await user.click(within(form).getByLabelText('Channels'));
    await user.click(await screen.findByTitle('ops-hook'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      name: 'lag-orders',
      pipeline: 'orders-to-lake',
      kind: 'LAG',
      thresholdMs: 120000,
      periods: 1,
      forMs: 0,
      severity: 'WARNING',
      channels: ['ops-hook'],
      sendResolved: true,
      enabled: true,
      repeatMs: 0,
    });
  }, 120_000); // many antd inputs and two dropdowns: slow on a loaded machine

  it('lets an admin send a test to a channel and shows the answer; secrets stay masked', async () => {
    const { calls } = renderApp(
      '/alerts',
      {
        ...base,
        'POST /api/v1/alert-channels/ops-hook/test': () =>
          json(200, { channel: 'ops-hook', delivered: false, message: 'robot said: sign mismatch' }),
      },
      'admin',
    );
    await openTab('Channels');
    const row = (await screen.findByText('ops-hook')).closest('tr')!;
    expect(within(row).getByText('******')).toBeInTheDocument();
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Send test' }));
    const outcome = await within(row).findByTestId('alert-test-outcome');
    expect(outcome).toHaveAttribute('data-delivered', 'false');
    expect(within(outcome).getByText('robot said: sign mismatch')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual([
      '/api/v1/alert-channels/ops-hook/test',
    ]);
  });

  it('retries a failed delivery, filtered by status', async () => {
    const { calls } = renderApp('/alerts', {
      ...base,
      'POST /api/v1/alert-deliveries/42/retry': () => json(200, { ...failed, status: 'PENDING' }),
    });
    await openTab('Deliveries');
    const user = userEvent.setup();
    await user.click(within(await screen.findByTestId('alert-delivery-status')).getByText('failed'));
    await waitFor(() =>
      expect(calls.some((c) => c.url === '/api/v1/alert-deliveries?limit=200&status=FAILED')).toBe(true),
    );
    const row = (await screen.findByText('HTTP 500')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: 'Retry now' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/alert-deliveries/42/retry']);
  });

  it('offers a viewer no write button on any tab', async () => {
    renderApp(
      '/alerts',
      { ...base, 'GET /api/v1/alert-channels?limit=500': () => page([{ id: 1, name: 'ops-hook', type: 'dingtalk' }]) },
      'viewer',
    );
    await openTab('Rules');
    await screen.findByText('lag-high');
    expect(screen.queryByTestId('alert-rule-add')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    await openTab('Channels');
    await screen.findByText('ops-hook');
    expect(screen.queryByTestId('alert-channel-add')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Send test' })).not.toBeInTheDocument();
    await openTab('Silences');
    await screen.findByText('No pipeline is silenced.');
    expect(screen.queryByTestId('alert-silence-add')).not.toBeInTheDocument();
    await openTab('Deliveries');
    await screen.findByText('HTTP 500');
    expect(screen.queryByRole('button', { name: 'Retry now' })).not.toBeInTheDocument();
  });

  it('is in the Administration menu of everyone', () => {
    expect(adminEntries(false).map((e) => e.path)).toContain('/alerts');
    expect(adminEntries(true).map((e) => e.path)).toContain('/alerts');
  });
});
