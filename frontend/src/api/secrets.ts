import { body, http, ifMatch } from './client';

const name = (secret: string) => ({ path: { name: secret } });

export const secretsApi = {
  list: (signal?: AbortSignal) => body(http.GET('/secrets', { params: { query: { limit: 500 } }, signal })),
  /** Creates (no `version`) or replaces (`version`: the one read) the value; the value is never read back. */
  put: (secret: string, value: string, description: string, version?: number) =>
    body(
      http.PUT('/secrets/{name}', {
        params: { ...name(secret), header: version === undefined ? {} : ifMatch(version) },
        body: { value, description },
      }),
    ),
  /** 409 while pipelines use it; 412 when `version` is stale. */
  remove: (secret: string, version: number) =>
    body(http.DELETE('/secrets/{name}', { params: { ...name(secret), header: ifMatch(version) } })),
};
