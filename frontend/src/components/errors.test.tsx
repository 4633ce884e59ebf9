import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { renderWith } from '../test/renderWith';
import { ProblemAlert } from './errors';

describe('ProblemAlert', () => {
  it('shows title, detail and the field errors not shown at their fields', () => {
    const e = new ApiError(400, 'x', {
      title: 'Validation Failed',
      detail: '2 fields are invalid; see errors.',
      errors: [
        { path: 'name', message: 'must be lowercase' },
        { path: 'restUrl', message: 'must be an http(s) URL' },
      ],
    });
    renderWith(<ProblemAlert error={e} shownFields={['name']} />);
    const alert = screen.getByTestId('problem');
    expect(alert).toHaveTextContent('Validation Failed');
    expect(alert).toHaveTextContent('2 fields are invalid; see errors.');
    expect(alert).toHaveTextContent('restUrl: must be an http(s) URL');
    expect(alert).not.toHaveTextContent('must be lowercase');
  });

  it('says what a status means when there is no problem body', () => {
    renderWith(<ProblemAlert error={new ApiError(503, '')} />);
    expect(screen.getByTestId('problem')).toHaveTextContent('The server failed to answer (HTTP 503).');
  });
});
