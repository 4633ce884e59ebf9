import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi } from '../api/auth';
import { ApiError, onForbidden, onUnauthorized } from '../api/client';
import { meApi } from '../api/me';
import type { LoginResponse, Me } from '../api/types';
import { clearSession, loadSession, parseExpiry, saveSession, type StoredSession } from './session';

export interface AuthContextValue {
  /** The stored session, or null when signed out. */
  session: StoredSession | null;
  /** Who the session belongs to, once GET /me has answered. */
  user: Me | null;
  /** Why GET /me failed (other than an ended session), if it did. */
  userError: unknown;
  /** Why the login page is shown again, if there is a reason to say. */
  notice: Notice | null;
  signIn(username: string, password: string): Promise<void>;
  signOut(notice?: Notice): void;
  /** A new token for the same user (after a password change). */
  replaceToken(res: LoginResponse): void;
  reloadUser(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export type Notice = 'sessionEnded';
const SESSION_ENDED: Notice = 'sessionEnded';
// setTimeout takes a signed 32-bit delay.
const MAX_TIMER_MS = 2_147_483_647;

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<StoredSession | null>(() => loadSession());
  const [user, setUser] = useState<Me | null>(null);
  const [userError, setUserError] = useState<unknown>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [reloads, setReloads] = useState(0);

  const signOut = useCallback((message?: Notice) => {
    clearSession();
    setSession(null);
    setUser(null);
    setUserError(null);
    setNotice(message ?? null);
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const res = await authApi.login(username, password);
    const next: StoredSession = { token: res.token, expiresAt: parseExpiry(res.expiresAt) };
    saveSession(next);
    setUser(null);
    setUserError(null);
    setNotice(null);
    setSession(next);
  }, []);

  const replaceToken = useCallback((res: LoginResponse) => {
    const next: StoredSession = { token: res.token, expiresAt: parseExpiry(res.expiresAt) };
    saveSession(next);
    setSession(next);
  }, []);

  const reloadUser = useCallback(() => setReloads((n) => n + 1), []);

  // Any authenticated call that answers 401 ends the session.
  useEffect(() => {
    return onUnauthorized(() => signOut(SESSION_ENDED));
  }, [signOut]);

  // A 403 may mean an admin changed this user's role meanwhile: read /me again, so the page stops offering what the
  // server now refuses (the server stays the authority either way).
  useEffect(() => onForbidden(reloadUser), [reloadUser]);

  // Load who we are whenever the session changes.
  useEffect(() => {
    if (!session) return;
    const ctrl = new AbortController();
    setUserError(null);
    meApi.get(ctrl.signal).then(
      (me) => {
        if (!ctrl.signal.aborted) setUser(me);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        if (e instanceof ApiError && e.status === 401) signOut(SESSION_ENDED);
        else setUserError(e);
      },
    );
    return () => ctrl.abort();
  }, [session, reloads, signOut]);

  // Drop the session when the server said it expires.
  useEffect(() => {
    if (!session?.expiresAt) return;
    const delay = Math.min(Math.max(session.expiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => signOut(SESSION_ENDED), delay);
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const value = useMemo<AuthContextValue>(
    () => ({ session, user, userError, notice, signIn, signOut, reloadUser, replaceToken }),
    [session, user, userError, notice, signIn, signOut, reloadUser, replaceToken],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
