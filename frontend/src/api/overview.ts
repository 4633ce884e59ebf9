// Routes served (branch live) but not yet in the OpenAPI document: typed by hand in types.ts until they are.
import { query, request } from './client';
import type { Connector, Overview, Page, Template, Transition } from './types';

export const overviewApi = {
  get: (signal?: AbortSignal) => request<Overview>('/overview', { signal }),
  transitions: (f: { limit?: number; offset?: number; pipeline?: string }, signal?: AbortSignal) =>
    request<Page<Transition>>(`/transitions${query(f)}`, { signal }),
};

export const catalogApi = {
  templates: (signal?: AbortSignal) => request<{ items: Template[] }>('/templates', { signal }),
  connectors: (signal?: AbortSignal) => request<{ items: Connector[] }>('/connectors', { signal }),
};
