import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import type { LoginState } from '../auth/RequireAuth';
import { errorText } from '../components/errors';
import { LanguageSwitch } from '../components/LanguageSwitch';

function targetAfterLogin(state: unknown): string {
  const from = (state as LoginState | null)?.from;
  if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login')) {
    return from;
  }
  return '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const { session, signIn, notice } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const target = targetAfterLogin(location.state);

  if (session && !pending) return <Navigate to={target} replace />;

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      await signIn(username, password);
      navigate(target, { replace: true });
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };

  return (
    <div className="login-page">
      <form className="card login-card" onSubmit={onSubmit} noValidate>
        <div className="login-head">
          <h1 className="login-title">{t('brand')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('auth.subtitle')}</p>
        {notice && !error ? (
          <p className="notice" data-testid="login-notice">
            {t(`auth.${notice}`)}
          </p>
        ) : null}
        <label className="field">
          <span>{t('auth.username')}</span>
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
          />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {error ? (
          <p className="error" role="alert" data-testid="login-error">
            {errorText(error, t)}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={pending} data-testid="login-submit">
          {pending ? t('auth.signingIn') : t('auth.signIn')}
        </button>
      </form>
    </div>
  );
}
