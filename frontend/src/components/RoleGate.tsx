import type { ReactNode } from 'react';
import type { Role } from '../api/types';
import { useAuth } from '../auth/AuthContext';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the signed-in user has at least this role. Only hides what would be refused: the server decides. */
export function useHasRole(min: Role): boolean {
  const { user } = useAuth();
  const role = user?.role as Role | undefined;
  return role !== undefined && role in RANK && RANK[role] >= RANK[min];
}

export function RoleGate({ min, children }: { min: Role; children: ReactNode }) {
  return useHasRole(min) ? <>{children}</> : null;
}
