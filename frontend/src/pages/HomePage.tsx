import { useAuth } from '../auth/AuthContext';

const ROLE_TEXT: Record<string, string> = {
  viewer: 'You can look at pipelines and their runs.',
  operator: 'You can run, stop and schedule pipelines.',
  admin: 'You can manage pipelines, secrets and users.',
};

/** Who am I: the signed-in account. */
export function HomePage() {
  const { user } = useAuth();
  if (!user) return <p className="muted">Loading…</p>;
  const role = String(user.role);
  return (
    <section className="card">
      <h1>Your account</h1>
      <dl className="facts">
        <dt>Username</dt>
        <dd>{user.username}</dd>
        <dt>Role</dt>
        <dd>
          <span className={`role role-${role}`}>{role}</span>
        </dd>
        <dt>Account id</dt>
        <dd>
          <code>{String(user.id)}</code>
        </dd>
      </dl>
      {ROLE_TEXT[role] ? <p className="muted">{ROLE_TEXT[role]}</p> : null}
    </section>
  );
}
