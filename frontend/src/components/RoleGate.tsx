import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
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

/**
 * A whole page for `min` and up; anyone else, arriving by a typed or old link, reads why they may not (a 403 page),
 * rather than a page of failed calls.
 */
export function RequireRole({ min, children }: { min: Role; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const allowed = useHasRole(min);
  if (!user) return null;
  if (allowed) return <>{children}</>;
  const role = (r: string) => t(`roles.${r as Role}`, { defaultValue: r });
  return (
    <Result
      status="403"
      title={t('forbiddenPage.title')}
      subTitle={t('forbiddenPage.body', { role: role(min), yours: role(String(user.role)) })}
      data-testid="forbidden-page"
      extra={<Link to="/">{t('forbiddenPage.back')}</Link>}
    />
  );
}
