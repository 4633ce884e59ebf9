import { Link, useLocation } from 'react-router-dom';

export function NotFoundPage() {
  const location = useLocation();
  return (
    <section className="card" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{location.pathname}</code>.
      </p>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
