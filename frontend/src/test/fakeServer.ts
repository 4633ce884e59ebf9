import { vi } from 'vitest';

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (call: Call) => Response | Promise<Response>;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

export function problem(status: number, title: string, detail: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

/**
 * Replaces global fetch with a router keyed by "METHOD /path".
 * Unknown routes answer 404 problem+json. Returns the recorded calls.
 */
export function fakeServer(routes: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    // Typed calls (openapi-fetch) pass a Request with an absolute URL; plain ones a path and init.
    const request = input instanceof Request ? input : null;
    const href = request ? request.url : input instanceof URL ? input.href : String(input);
    const parsed = new URL(href, window.location.origin);
    const url = parsed.pathname + parsed.search;
    const method = (request?.method ?? init?.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(request?.headers ?? init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const text = request ? await request.clone().text() : typeof init?.body === 'string' ? init.body : '';
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const call: Call = { method, url, headers, body };
    calls.push(call);
    const handler = routes[`${method} ${url}`];
    return handler ? handler(call) : problem(404, 'Not Found', `No route for ${method} ${url}`);
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}
