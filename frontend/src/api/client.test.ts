import { describe, expect, it } from 'vitest';
import { fakeServer, json } from '../test/fakeServer';
import { ApiError, onForbidden, onUnauthorized, serverReachable } from './client';
import { pipelinesApi } from './pipelines';
import { runsApi } from './runs';

const validationFailed = () =>
  new Response(
    JSON.stringify({
      type: 'urn:cdc-console:problem:validation-failed',
      title: 'Validation Failed',
      status: 400,
      detail: '2 fields are invalid; see errors.',
      errors: [
        { path: 'source.hostname', line: 3, column: 3, message: 'is required' },
        { path: 'name', message: 'must be lowercase' },
      ],
    }),
    { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
  );

describe('api client', () => {
  it('sends If-Match from the version and reads the new version from the ETag', async () => {
    window.sessionStorage.setItem('cdc-console.token', 'tok');
    const calls = fakeServer({
      'PUT /api/v1/pipelines/1': () =>
        new Response(JSON.stringify({ id: 1, version: 5 }), {
          status: 200,
          headers: { 'Content-Type': 'application/json', ETag: '"5"' },
        }),
    });
    const saved = await pipelinesApi.update(1, { yaml: 'x', comment: 'c' }, 4);
    expect(saved.version).toBe(5);
    expect(calls[0]!.headers['if-match']).toBe('"4"');
    expect(calls[0]!.headers.authorization).toBe('Bearer tok');
    expect(calls[0]!.body).toEqual({ yaml: 'x', comment: 'c' });
  });

  it('raises a problem as ApiError with its field errors', async () => {
    fakeServer({ 'POST /api/v1/pipelines': validationFailed });
    const e = await pipelinesApi.create({ name: 'X', yaml: '' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    expect(err.status).toBe(400);
    expect(err.message).toBe('2 fields are invalid; see errors.');
    expect(err.fieldErrors.map((f) => [f.path, f.line ?? null])).toEqual([
      ['source.hostname', 3],
      ['name', null],
    ]);
  });

  it('tells the app when a signed-in call answers 401', async () => {
    window.sessionStorage.setItem('cdc-console.token', 'old');
    fakeServer({ 'GET /api/v1/pipelines/1': () => json(401, { title: 'Unauthorized', status: 401 }) });
    let ended = 0;
    const off = onUnauthorized(() => ended++);
    try {
      await expect(pipelinesApi.get(1)).rejects.toMatchObject({ status: 401 });
      expect(ended).toBe(1);
    } finally {
      off();
    }
  });

  it('tells the app when a signed-in call answers 403, so it can read the role again', async () => {
    window.sessionStorage.setItem('cdc-console.token', 'tok');
    fakeServer({ 'POST /api/v1/pipelines/1/cancel': () => json(403, { title: 'Forbidden', status: 403 }) });
    let refused = 0;
    const off = onForbidden(() => refused++);
    try {
      await expect(runsApi.cancel(1)).rejects.toMatchObject({ status: 403 });
      expect(refused).toBe(1);
    } finally {
      off();
    }
  });

  it('says when the server cannot be reached, and when it can again', async () => {
    fakeServer({
      'GET /api/v1/pipelines/1': () => {
        throw new TypeError('Failed to fetch');
      },
      'GET /api/v1/pipelines/2': () => json(200, { id: 2 }),
    });
    await expect(pipelinesApi.get(1)).rejects.toMatchObject({ status: 0 });
    expect(serverReachable.get()).toBe(false);
    await pipelinesApi.get(2);
    expect(serverReachable.get()).toBe(true);
  });
});
