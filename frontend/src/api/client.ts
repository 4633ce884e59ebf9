// The client for the CDC Console HTTP API (same origin, under /api/v1).
// Errors come back as RFC 9457 application/problem+json and are raised as ApiError, with field errors when the
// server sent them. Two app-wide signals hang off it: "the session ended" (401) and "the server cannot be reached".

import createClient, { type Middleware } from 'openapi-fetch';
import { loadSession } from '../auth/session';
import type { paths } from './schema.gen';

export const API_BASE = '/api/v1';

/** One problem with one input field; line/column are 1-based, present for documents (YAML). */
export interface FieldError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

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

export interface RequestOptions {
  method?: string;
  /** JSON-encoded unless it is a string (sent as-is with `contentType`). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send the stored session token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  /** Read the answer as text instead of JSON. */
  text?: boolean;
}

export interface Answer<T> {
  data: T;
  /** The entity version from the ETag header ("3" → 3), when there is one. */
  version: number | null;
  status: number;
}

async function readProblem(res: Response): Promise<Problem | null> {
  const type = res.headers.get('content-type') ?? '';
  if (!/json/i.test(type)) return null;
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' ? (body as Problem) : null;
  } catch {
    return null;
  }
}

export function etagVersion(etag: string | null): number | null {
  if (!etag) return null;
  const n = Number(etag.replace(/^W\//, '').replace(/"/g, ''));
  return Number.isFinite(n) ? n : null;
}

export function authHeaders(): Record<string, string> {
  const session = loadSession();
  return session ? { Authorization: `Bearer ${session.token}` } : {};
}

/** The whole answer: body, version from the ETag, status. */
export async function call<T>(path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const { method = 'GET', body, auth = true, signal, contentType, text = false } = options;
  const headers: Record<string, string> = {
    Accept: text ? 'application/yaml, text/plain, application/problem+json' : 'application/json, application/problem+json',
    ...options.headers,
  };
  let payload: string | undefined;
  if (typeof body === 'string') {
    payload = body;
    headers['Content-Type'] = contentType ?? 'text/plain';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const session = auth ? loadSession() : null;
  if (session) headers.Authorization = `Bearer ${session.token}`;

  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method, headers, body: payload, signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    serverReachable.set(false);
    throw new ApiError(0, '');
  }
  serverReachable.set(res.status !== 502 && res.status !== 504);

  if (!res.ok) {
    const problem = await readProblem(res);
    if (res.status === 401 && session) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(res.status, problem?.detail || problem?.title || '', problem);
  }
  const version = etagVersion(res.headers.get('etag'));
  if (res.status === 204) return { data: undefined as T, version, status: res.status };
  const raw = await res.text();
  const data = (text ? raw : raw ? JSON.parse(raw) : undefined) as T;
  return { data, version, status: res.status };
}

/** Just the body. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await call<T>(path, options)).data;
}

/** A query string from the given parameters, leaving out empty ones. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  });
  const s = q.toString();
  return s ? `?${s}` : '';
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

/** The answer of a typed call, or an ApiError with the problem (and the same app-wide signals as call()). */
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
    throw new ApiError(res.status, problem?.detail || problem?.title || '', problem);
  }
  return { data: result.data as T, version: etagVersion(res.headers.get('etag')), status: res.status };
}

/** Just the body of a typed call. */
export async function body<T>(pending: Promise<FetchResult<T>>, signedIn = true): Promise<T> {
  return (await unwrap(pending, signedIn)).data;
}
