// Where the session token lives: sessionStorage, so it is scoped to the tab
// and gone when the tab closes.

const TOKEN_KEY = 'cdc-console.token';
const EXPIRES_KEY = 'cdc-console.expiresAt';

export interface StoredSession {
  token: string;
  /** Epoch milliseconds, or null when the server gave no usable expiry. */
  expiresAt: number | null;
}

/** Accepts an ISO-8601 string, epoch seconds or epoch milliseconds. */
export function parseExpiry(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value < 1e12 ? value * 1000 : value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+$/.test(value.trim())) return parseExpiry(Number(value));
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function loadSession(now: number = Date.now()): StoredSession | null {
  const s = storage();
  const token = s?.getItem(TOKEN_KEY);
  if (!token) return null;
  const raw = s?.getItem(EXPIRES_KEY);
  const expiresAt = raw ? Number(raw) : null;
  if (expiresAt !== null && Number.isFinite(expiresAt) && expiresAt <= now) {
    clearSession();
    return null;
  }
  return { token, expiresAt: expiresAt !== null && Number.isFinite(expiresAt) ? expiresAt : null };
}

export function saveSession(session: StoredSession): void {
  const s = storage();
  if (!s) return;
  s.setItem(TOKEN_KEY, session.token);
  if (session.expiresAt !== null) s.setItem(EXPIRES_KEY, String(session.expiresAt));
  else s.removeItem(EXPIRES_KEY);
}

export function clearSession(): void {
  const s = storage();
  s?.removeItem(TOKEN_KEY);
  s?.removeItem(EXPIRES_KEY);
}
