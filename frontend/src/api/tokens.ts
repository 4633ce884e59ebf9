import { body, http } from './client';
import type { NewApiToken } from './types';

export const tokensApi = {
  /** Mine, or (admins, `all`) everyone's. */
  list: (all: boolean, signal?: AbortSignal) =>
    body(http.GET('/tokens', { params: { query: { all: all || undefined, limit: 500 } }, signal })),
  /** The answer carries the secret (`token`) this once. */
  create: (input: NewApiToken) => body(http.POST('/tokens', { body: input })),
  revoke: (token: number) => body(http.DELETE('/tokens/{id}', { params: { path: { id: token } } })),
};
