import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';

/** The app shell: header with who is signed in, then the current page. */
export function Layout() {
  const { user, userError, signOut, reloadUser } = useAuth();
  const navigate = useNavigate();

  const onSignOut = () => {
    signOut();
    navigate('/login', { replace: true });
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          CDC Console
        </Link>
        <nav className="nav">
          <NavLink to="/" end>
            Overview
          </NavLink>
        </nav>
        <div className="whoami">
          {user ? (
            <span className="whoami-user">
              Signed in as <strong data-testid="me-username">{user.username}</strong>{' '}
              <span className={`role role-${String(user.role)}`} data-testid="me-role">
                {String(user.role)}
              </span>
            </span>
          ) : (
            <span className="muted">{userError ? '' : 'Loading…'}</span>
          )}
          <button type="button" className="button secondary" data-testid="sign-out" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        {userError ? (
          <div className="alert" role="alert">
            <p>Could not load your account: {userError}</p>
            <button type="button" className="button" onClick={reloadUser}>
              Try again
            </button>
          </div>
        ) : (
          <Outlet />
        )}
      </main>
    </div>
  );
}
