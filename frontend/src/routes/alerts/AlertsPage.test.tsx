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
  version: 2,
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
  version: 3,
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
  });

  it('edits a rule with the version it read, and says when someone else changed it meanwhile', async () => {
    let answer = json(200, { ...rule, severity: 'WARNING', version: 4 });
    const { calls } = renderApp('/alerts', { ...base, 'PUT /api/v1/alert-rules/7': () => answer });
    await openTab('Rules');
    const user = userEvent.setup();
    const row = (await screen.findByText('lag-high')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    await screen.findByTestId('alert-rule-form');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')!.headers['if-match']).toBe('"3"');
    await waitFor(() => expect(screen.queryByTestId('alert-rule-form')).not.toBeInTheDocument());

    answer = json(412, { title: 'Precondition Failed', status: 412, detail: 'changed', currentVersion: 4 });
    await user.click(
      within((await screen.findByText('lag-high')).closest('tr')!).getByRole('button', { name: 'Edit' }),
    );
    const form = await screen.findByTestId('alert-rule-form');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const problem = await within(form.closest('.ant-modal')! as HTMLElement).findByTestId('problem');
    expect(within(problem).getByText('Changed by someone else')).toBeInTheDocument();
    expect(within(problem).getByText(/Reload it and apply your change again/)).toBeInTheDocument();
  });

  it('deletes rules, channels and silences with the version read', async () => {
    const silence = {
      id: 5,
      pipeline: 'orders-to-lake',
      until: '2099-01-01T00:00:00Z',
      reason: 'migration',
      version: 1,
      createdBy: 'olga',
      createdAt: '2026-01-02T10:00:00Z',
    };
    const { calls } = renderApp(
      '/alerts',
      {
        ...base,
        'GET /api/v1/alert-silences?limit=500': () => page([silence]),
        'DELETE /api/v1/alert-rules/7': () => new Response(null, { status: 204 }),
        'DELETE /api/v1/alert-channels/ops-hook': () =>
          json(412, { title: 'Precondition Failed', status: 412, detail: 'changed', currentVersion: 3 }),
        'DELETE /api/v1/alert-silences/5': () => new Response(null, { status: 204 }),
      },
      'admin',
    );
    const user = userEvent.setup();
    const confirm = async (rowText: string, button: string, ok: string) => {
      const row = (await screen.findByText(rowText)).closest('tr')!;
      await user.click(within(row).getByRole('button', { name: button }));
      const pop = await waitFor(() => {
        const open = [...document.querySelectorAll('.ant-popconfirm')].find(
          (p) => !p.closest('.ant-popover-hidden'),
        ) as HTMLElement | undefined;
        expect(open).toBeDefined();
        return open!;
      });
      await user.click(within(pop).getByRole('button', { name: ok }));
    };
    await openTab('Rules');
    await confirm('lag-high', 'Delete', 'Delete');
    await openTab('Channels');
    await confirm('ops-hook', 'Delete', 'Delete');
    expect(within(await screen.findByTestId('problem')).getByText('Changed by someone else')).toBeInTheDocument();
    await openTab('Silences');
    await confirm('migration', 'End', 'End');
    await waitFor(() => expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(3));
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => [c.url, c.headers['if-match']])).toEqual([
      ['/api/v1/alert-rules/7', '"3"'],
      ['/api/v1/alert-channels/ops-hook', '"2"'],
      ['/api/v1/alert-silences/5', '"1"'],
    ]);
  });

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
