import { body, http } from './client';

const name = (secret: string) => ({ path: { name: secret } });

export const secretsApi = {
  list: (signal?: AbortSignal) => body(http.GET('/secrets', { params: { query: { limit: 500 } }, signal })),
  /** Creates or replaces the value; the value is never read back. */
  put: (secret: string, value: string, description: string) =>
    body(http.PUT('/secrets/{name}', { params: name(secret), body: { value, description } })),
  /** 409 while pipelines use it. */
  remove: (secret: string) => body(http.DELETE('/secrets/{name}', { params: name(secret) })),
};
