// The client for the CDC Console HTTP API (same origin, under /api/v1).
// Errors come back as RFC 9457 application/problem+json and are raised as ApiError.

import { loadSession } from './auth/session';

export const API_BASE = '/api/v1';

export type Role = 'viewer' | 'operator' | 'admin';

export interface LoginResponse {
  token: string;
  expiresAt: string | number;
}

export interface Me {
  id: string | number;
  username: string;
  role: Role | string;
  [extra: string]: unknown;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, message: string, problem: Problem | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** Called when an authenticated request answers 401: the session has ended. */
type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Send the stored session token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
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

function fallbackMessage(status: number): string {
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Try again later.';
  if (status >= 500) return `The server failed to answer (HTTP ${status}).`;
  return `The request failed (HTTP ${status}).`;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, auth = true, signal } = options;
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const session = auth ? loadSession() : null;
  if (session) headers.Authorization = `Bearer ${session.token}`;

  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }

  if (!res.ok) {
    const problem = await readProblem(res);
    const message = problem?.detail || problem?.title || fallbackMessage(res.status);
    if (res.status === 401 && session && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, message, problem);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  login(username: string, password: string): Promise<LoginResponse> {
    return request<LoginResponse>('/auth/login', {
      method: 'POST',
      body: { username, password },
      auth: false,
    });
  },
  me(signal?: AbortSignal): Promise<Me> {
    return request<Me>('/me', { signal });
  },
};
