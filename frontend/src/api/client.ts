// The client for the CDC Console HTTP API (same origin, under /api/v1).
// Errors come back as RFC 9457 application/problem+json and are raised as ApiError, with field errors when the
// server sent them. Two app-wide signals hang off it: "the session ended" (401) and "the server cannot be reached".

import createClient, { type Middleware } from 'openapi-fetch';
import { loadSession } from '../auth/session';
import type { components, paths } from './schema.gen';
import type { FieldError } from './types';

export const API_BASE = '/api/v1';

/**
 * An RFC 9457 problem as received: the document's Problem, though a proxy's or an older server's answer may lack
 * members, and some problems carry more (a refused cluster delete lists its pipelines).
 */
export type Problem = Partial<components['schemas']['Problem']> & { [extra: string]: unknown };

/** A failed call. status 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, message: string, problem: Problem | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get fieldErrors(): FieldError[] {
    const errors = this.problem?.errors;
    return Array.isArray(errors) ? errors : [];
  }
}

type Listener = () => void;

/** A tiny observable value, read by React through useSyncExternalStore. */
export class Signal<T> {
  private value: T;
  private readonly listeners = new Set<Listener>();

  constructor(initial: T) {
    this.value = initial;
  }

  get = (): T => this.value;

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    this.listeners.forEach((l) => l());
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** False after a call could not reach the server, true again after any answer. */
export const serverReachable = new Signal(true);

const unauthorizedListeners = new Set<Listener>();

/** Called when an authenticated call answers 401: the session has ended. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const forbiddenListeners = new Set<Listener>();

/** Called when an authenticated call answers 403: the user's role may have changed since /me was read. */
export function onForbidden(listener: Listener): () => void {
  forbiddenListeners.add(listener);
  return () => forbiddenListeners.delete(listener);
}

export interface Answer<T> {
  data: T;
  /** The entity version from the ETag header ("3" → 3), when there is one. */
  version: number | null;
  status: number;
}

export function etagVersion(etag: string | null): number | null {
  if (!etag) return null;
  const n = Number(etag.replace(/^W\//, '').replace(/"/g, ''));
  return Number.isFinite(n) ? n : null;
}

export function ifMatch(version: number): { 'If-Match': string } {
  return { 'If-Match': `"${version}"` };
}

/** Sends the session token with every typed call. */
const authMiddleware: Middleware = {
  onRequest({ request, schemaPath }) {
    const session = schemaPath === '/auth/login' ? null : loadSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.token}`);
    request.headers.set('Accept', 'application/json, application/problem+json');
    return request;
  },
};

/**
 * The typed client over the OpenAPI document (src/api/schema.gen.ts). Requests are built as absolute URLs of this
 * origin; fetch is looked up per call so tests can replace it.
 */
export const http = createClient<paths>({
  baseUrl: `${typeof window === 'undefined' ? '' : window.location.origin}${API_BASE}`,
  fetch: (request: Request) => globalThis.fetch(request),
});
http.use(authMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer of a typed call, or an ApiError with the problem (and the app-wide signals: 401, server unreachable). */
export async function unwrap<T>(pending: Promise<FetchResult<T>>, signedIn = true): Promise<Answer<T>> {
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    serverReachable.set(false);
    throw new ApiError(0, '');
  }
  const res = result.response;
  serverReachable.set(res.status !== 502 && res.status !== 504);
  if (!res.ok) {
    const problem = result.error && typeof result.error === 'object' ? (result.error as Problem) : null;
    if (res.status === 401 && signedIn && loadSession()) unauthorizedListeners.forEach((l) => l());
    if (res.status === 403 && signedIn && loadSession()) forbiddenListeners.forEach((l) => l());
    throw new ApiError(res.status, problem?.detail || problem?.title || '', problem);
  }
  return { data: result.data as T, version: etagVersion(res.headers.get('etag')), status: res.status };
}

/** Just the body of a typed call. */
export async function body<T>(pending: Promise<FetchResult<T>>, signedIn = true): Promise<T> {
  return (await unwrap(pending, signedIn)).data;
}
