import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json } from '../../test/fakeServer';
import { pipelineJson } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';

describe('revealing a pipeline’s secrets', () => {
  it('asks first, saying it is audited, then shows the values until closed', async () => {
    const p = pipelineJson();
    const { calls } = renderApp(
      `/pipelines/${p.id}`,
      {
        [`GET /api/v1/pipelines/${p.id}`]: () => json(200, p),
        [`POST /api/v1/pipelines/${p.id}/reveal`]: () => json(200, { secrets: { 'source.password': 'hunter2-plain' } }),
      },
      'admin',
    );
    const u = userEvent.setup();
    await u.click(await screen.findByTestId('reveal-secrets'));
    const confirm = document.querySelector('.ant-popconfirm') as HTMLElement;
    expect(confirm).toHaveTextContent('recorded in the audit trail under your name');
    expect(calls.some((c) => c.url.endsWith('/reveal'))).toBe(false);
    await u.click(within(confirm).getByRole('button', { name: 'Reveal (audited)' }));
    expect(await screen.findByText('hunter2-plain')).toBeInTheDocument();
    expect(screen.getByText('source.password')).toBeInTheDocument();
    await u.click(screen.getAllByRole('button', { name: 'Close' }).at(-1)!);
    await waitFor(() => expect(screen.queryByText('hunter2-plain')).not.toBeInTheDocument());
  });

  it('is not offered to an operator', async () => {
    const p = pipelineJson();
    renderApp(`/pipelines/${p.id}`, { [`GET /api/v1/pipelines/${p.id}`]: () => json(200, p) }, 'operator');
    expect(await screen.findByTestId('pipeline-name')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('me-role')).toHaveTextContent('operator'));
    expect(screen.queryByTestId('reveal-secrets')).not.toBeInTheDocument();
  });
});
