import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from './AuthContext';

export interface LoginState {
  /** Where to go back to after signing in. */
  from?: string;
}

/** Renders its children only with a session; otherwise sends the visitor to /login and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) {
    const state: LoginState = { from: location.pathname + location.search + location.hash };
    return <Navigate to="/login" replace state={state} />;
  }
  return <>{children}</>;
}
