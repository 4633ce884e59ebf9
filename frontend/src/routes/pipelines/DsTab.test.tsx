import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DsSnippet, DsTask } from '../../api/types';
import { fakeServer, json } from '../../test/fakeServer';
import { pipelineJson } from '../../test/fixtures';
import { renderWith } from '../../test/renderWith';
import { DsTab } from './DsTab';
import { placeholderFor, TOKEN_PLACEHOLDER, withToken } from './DsSnippets';
import { parseParams, paramsText } from './DsTriggerForm';

const task = (name: string, method: 'GET' | 'POST'): DsTask => ({
  name,
  taskType: 'HTTP',
  failRetryTimes: 0,
  failRetryInterval: 1,
  timeoutFlag: 'CLOSE',
  taskParams: {
    url: `http://console/api/v1/ds/${name}`,
    httpMethod: method,
    httpParams: [
      { prop: 'token', httpParametersType: 'HEADERS', value: TOKEN_PLACEHOLDER },
      { prop: 'pipeline', httpParametersType: 'PARAMETER', value: 'orders-to-lake' },
    ],
    httpBody: '',
    httpCheckCondition: 'BODY_CONTAINS',
    condition: '"result":"SUCCESS"',
    connectTimeout: 60000,
  },
});
const snippet: DsSnippet = {
  version: '3.3',
  pipeline: 'orders-to-lake',
  note: '',
  start: task('start', 'POST'),
  stop: task('stop', 'POST'),
  status: task('status', 'GET'),
};
const empty = { items: [], total: 0, limit: 500, offset: 0 };

describe('DolphinScheduler tab', () => {
  it('fills the token into the token header only', () => {
    const filled = withToken(task('start', 'POST'), 'cdc_abc');
    expect(filled.taskParams.httpParams.map((p) => p.value)).toEqual(['cdc_abc', 'orders-to-lake']);
    expect(placeholderFor('ds token/1')).toBe('PASTE_SECRET_OF_TOKEN_ds_token_1');
  });

  it('reads workflow parameters as name=value lines, = allowed in values', () => {
    expect(parseParams('bizdate=2026-01-01\n\n  filter = a=b \nnoequals')).toEqual({
      bizdate: '2026-01-01',
      filter: 'a=b',
    });
    expect(paramsText({ a: '1', b: 'x=y' })).toBe('a=1\nb=x=y');
  });

  it('creates a token scoped to the pipeline and fills its one-time secret into the definitions', async () => {
    const calls = fakeServer({
      'GET /api/v1/pipelines/1/triggers?limit=500': () => json(200, empty),
      'GET /api/v1/pipelines/1/deliveries?limit=200': () => json(200, { ...empty, limit: 200 }),
      'GET /api/v1/ds-connections?limit=500': () => json(200, empty),
      'GET /api/v1/pipelines/1/ds-snippet?version=3.3': () => json(200, snippet),
      'GET /api/v1/tokens?limit=500': () => json(200, empty),
      'POST /api/v1/tokens': () =>
        json(201, {
          id: 5,
          userId: 1,
          username: 'olga',
          name: 'ds-orders-to-lake',
          role: 'operator',
          status: 'active',
          createdAt: 'x',
          expiresAt: null,
          lastUsedAt: null,
          revokedAt: null,
          scope: { pipelines: ['orders-to-lake'], labels: {} },
          token: 'cdc_onetime_secret',
        }),
    });
    renderWith(<DsTab pipeline={pipelineJson()} />);
    const start = await screen.findByTestId('ds-snippet-json-start');
    expect(start).toHaveTextContent(TOKEN_PLACEHOLDER);
    expect(screen.getByText('An administrator has to add a DolphinScheduler connection first.')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByTestId('ds-token-create'));
    await waitFor(() => expect(start).toHaveTextContent('cdc_onetime_secret'));
    expect(within(screen.getByTestId('ds-snippet-status')).getAllByText('cdc_onetime_secret').length).toBeGreaterThan(
      0,
    );
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      name: 'ds-orders-to-lake',
      role: 'operator',
      expiresInDays: 365,
      scope: { pipelines: ['orders-to-lake'] },
    });
  });
});
