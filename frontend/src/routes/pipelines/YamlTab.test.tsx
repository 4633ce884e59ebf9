import { EditorView } from '@codemirror/view';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeServer, json } from '../../test/fakeServer';
import { pipelineJson } from '../../test/fixtures';
import { renderWith } from '../../test/renderWith';
import YamlTab from './YamlTab';

const mine = 'source:\n  type: values\n';
const theirs = 'source:\n  type: mysql\n';

// The editor shows before /me says the role; until then it is read-only and drops edits (a loaded
// machine once typed into it that early). Save is offered only to a role that may edit.
async function editable() {
  await screen.findByRole('button', { name: 'Save' });
  expect(screen.getByTestId('yaml-editor')).toBeInTheDocument();
}

function typeIntoEditor(text: string) {
  const content = screen.getByTestId('yaml-editor');
  const view = EditorView.findFromDOM(content)!;
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }));
}

describe('YAML tab', () => {
  it('shows validation problems with their line, and on a 412 shows the other version and overwrites knowingly', async () => {
    window.sessionStorage.setItem('cdc-console.token', 'tok');
    let putCount = 0;
    const calls = fakeServer({
      'GET /api/v1/me': () => json(200, { id: 1, username: 'olga', role: 'operator' }),
      'POST /api/v1/pipelines/validate': () =>
        json(200, {
          valid: true,
          errors: [],
          warnings: [{ path: 'source.hostname', line: 2, column: 3, message: 'is not set' }],
        }),
      'PUT /api/v1/pipelines/1': () => {
        putCount += 1;
        return putCount === 1
          ? json(412, {
              title: 'Precondition Failed',
              status: 412,
              detail: 'Version 4 is not the current version (5).',
            })
          : new Response(JSON.stringify(pipelineJson({ version: 6, yaml: mine })), {
              status: 200,
              headers: { 'Content-Type': 'application/json', ETag: '"6"' },
            });
      },
      'GET /api/v1/pipelines/1': () => json(200, pipelineJson({ version: 5, yaml: theirs })),
    });
    renderWith(<YamlTab pipeline={pipelineJson({ yaml: 'source: {}\n' })} />);

    expect(await screen.findByText('is not set')).toBeInTheDocument();
    expect(screen.getByTestId('problems')).toHaveTextContent('line 2, column 3');

    await editable();
    typeIntoEditor(mine);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('save-comment'), 'switch source');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByTestId('conflict')).toHaveTextContent('version 5');
    expect(screen.getByTestId('diff-view')).toHaveTextContent('mysql');
    await user.click(screen.getByRole('button', { name: 'Overwrite with mine' }));

    await waitFor(() => expect(screen.queryByTestId('conflict')).not.toBeInTheDocument());
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.headers['if-match'])).toEqual(['"4"', '"5"']);
    expect(puts[1]!.body).toEqual({ yaml: mine, comment: 'switch source' });
  });

  it('keeps Save off while the YAML has errors, and says why', async () => {
    window.sessionStorage.setItem('cdc-console.token', 'tok');
    let broken = true;
    fakeServer({
      'GET /api/v1/me': () => json(200, { id: 1, username: 'olga', role: 'operator' }),
      'POST /api/v1/pipelines/validate': () =>
        json(
          200,
          broken
            ? {
                valid: false,
                errors: [{ path: 'source.type', line: 2, column: 9, message: 'unknown connector valuez' }],
                warnings: [],
              }
            : { valid: true, errors: [], warnings: [] },
        ),
    });
    renderWith(<YamlTab pipeline={pipelineJson({ yaml: mine })} />);
    await editable();

    typeIntoEditor('source:\n  type: valuez\n');
    // the edit and its validation arrive in their own time: wait for the hint, then look at Save
    expect(await screen.findByTestId('fix-errors-first')).toHaveTextContent('Fix the errors above to save.');
    expect(screen.getByText('unknown connector valuez')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

    broken = false;
    typeIntoEditor('source:\n  type: values\n  name: x\n');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled());
    expect(screen.queryByTestId('fix-errors-first')).not.toBeInTheDocument();
  });
});
