import { body, http } from './client';

export const overviewApi = {
  get: (signal?: AbortSignal) => body(http.GET('/overview', { signal })),
  transitions: (query: { limit?: number; offset?: number; pipeline?: string }, signal?: AbortSignal) =>
    body(http.GET('/transitions', { params: { query }, signal })),
};

export const catalogApi = {
  templates: (signal?: AbortSignal) => body(http.GET('/templates', { signal })),
  connectors: (signal?: AbortSignal) => body(http.GET('/connectors', { signal })),
};
