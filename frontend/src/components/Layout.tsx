import { Alert, Badge, Button, Layout as AntLayout, Menu, Space, Spin, Tag, Tooltip } from 'antd';
import { Suspense, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { serverReachable } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { useLiveStatus } from '../live/LiveProvider';
import { describeError } from './errors';
import { LanguageSwitch } from './LanguageSwitch';
import { useHasRole } from './RoleGate';

const SECTIONS = [
  '/',
  '/pipelines',
  '/clusters',
  '/orphans',
  '/ds-connections',
  '/alerts',
  '/secrets',
  '/tokens',
  '/users',
  '/audit',
] as const;

/** The sections under the Administration submenu, which is marked when one of them is open. */
const ADMIN_SECTIONS: readonly string[] = ['/alerts', '/ds-connections', '/secrets', '/tokens', '/users', '/audit'];

/**
 * The Administration submenu: what everyone may read, then the admin pages, which are not offered to others (the
 * server refuses them anyway).
 */
type AdminLabel = 'alerts.title' | 'secrets.title' | 'tokens.title' | 'users.title' | 'audit.title' | 'ds.nav';

export function adminEntries(isAdmin: boolean): { path: string; label: AdminLabel }[] {
  const everyone: { path: string; label: AdminLabel }[] = [
    { path: '/alerts', label: 'alerts.title' },
    { path: '/secrets', label: 'secrets.title' },
    { path: '/tokens', label: 'tokens.title' },
  ];
  const admins: { path: string; label: AdminLabel }[] = [
    { path: '/users', label: 'users.title' },
    { path: '/audit', label: 'audit.title' },
    { path: '/ds-connections', label: 'ds.nav' },
  ];
  return isAdmin ? [...everyone, ...admins] : everyone;
}

function section(pathname: string): string {
  return SECTIONS.filter((s) => s !== '/' && pathname.startsWith(s))[0] ?? (pathname === '/' ? '/' : '');
}

function LiveIndicator() {
  const { t } = useTranslation();
  const status = useLiveStatus();
  const badge = { live: 'success', connecting: 'processing', reconnecting: 'warning', off: 'default' } as const;
  return (
    <Tooltip title={t('live.hint')}>
      <span data-testid="live-status" data-status={status} className="live-status">
        <Badge status={badge[status]} text={t(`live.${status}`)} />
      </span>
    </Tooltip>
  );
}

export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div className="page-loading">
      <Spin description={t('common.loading')} />
    </div>
  );
}

/** The app shell: menu, who is signed in, language, live status, then the current page. */
export function Layout() {
  const { t } = useTranslation();
  const { user, userError, signOut, reloadUser } = useAuth();
  const reachable = useSyncExternalStore(serverReachable.subscribe, serverReachable.get, serverReachable.get);
  const navigate = useNavigate();
  const location = useLocation();
  const isAdmin = useHasRole('admin');

  const onSignOut = () => {
    signOut();
    navigate('/login', { replace: true });
  };

  const items = [
    { key: '/', label: <Link to="/">{t('nav.overview')}</Link> },
    { key: '/pipelines', label: <Link to="/pipelines">{t('nav.pipelines')}</Link> },
    { key: '/clusters', label: <Link to="/clusters">{t('nav.clusters')}</Link> },
    { key: '/orphans', label: <Link to="/orphans">{t('nav.orphans')}</Link> },
    {
      // administration in one submenu: the top bar stays readable at laptop widths, in both languages
      key: 'admin',
      label: t('adminMenu.title'),
      children: adminEntries(isAdmin).map((e) => ({ key: e.path, label: <Link to={e.path}>{t(e.label)}</Link> })),
    },
  ];

  return (
    <AntLayout className="shell">
      <AntLayout.Header className="topbar">
        <Link to="/" className="brand">
          {t('brand')}
        </Link>
        <Menu
          mode="horizontal"
          theme="dark"
          aria-label={t('nav.menu')}
          selectedKeys={[
            section(location.pathname),
            ...(ADMIN_SECTIONS.includes(section(location.pathname)) ? ['admin'] : []),
          ]}
          items={items}
          className="nav"
        />
        <Space className="whoami" size="middle">
          <LiveIndicator />
          <LanguageSwitch dark />
          {user ? (
            <span className="whoami-user">
              {t('nav.signedInAs')}{' '}
              <Link to="/me" data-testid="me-link">
                <strong data-testid="me-username">{user.username}</strong>
              </Link>{' '}
              <Tag data-testid="me-role" data-role={String(user.role)}>
                {t(`roles.${String(user.role) as 'viewer'}`, { defaultValue: String(user.role) })}
              </Tag>
            </span>
          ) : (
            <span className="muted">{userError ? '' : t('common.loading')}</span>
          )}
          <Button size="small" data-testid="sign-out" onClick={onSignOut}>
            {t('nav.signOut')}
          </Button>
        </Space>
      </AntLayout.Header>
      {!reachable ? (
        <Alert type="warning" banner data-testid="server-unreachable" title={t('banner.unreachable')} />
      ) : null}
      <AntLayout.Content className="content">
        {userError ? (
          <Alert
            type="error"
            role="alert"
            showIcon
            title={t('errors.loadAccount', {
              error: describeError(userError, t).detail ?? describeError(userError, t).title,
            })}
            action={<Button onClick={reloadUser}>{t('common.retry')}</Button>}
          />
        ) : (
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        )}
      </AntLayout.Content>
    </AntLayout>
  );
}
