import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, useState } from 'react';
import { Route, Routes } from 'react-router-dom';
import { ApiError } from './api/client';
import { AuthProvider } from './auth/AuthContext';
import { RequireAuth } from './auth/RequireAuth';
import { Layout } from './components/Layout';
import { LanguageProvider } from './i18n/LanguageProvider';
import { LiveProvider } from './live/LiveProvider';
import { LoginPage } from './routes/LoginPage';
import { NotFoundPage } from './routes/NotFoundPage';
import { OverviewPage } from './routes/overview/OverviewPage';

// Everything past the overview loads on demand: the first screen carries no editor and no big tables.
const PipelinesPage = lazy(() => import('./routes/pipelines/PipelinesPage'));
const NewPipelinePage = lazy(() => import('./routes/pipelines/NewPipelinePage'));
const PipelinePage = lazy(() => import('./routes/pipelines/PipelinePage'));
const RunPage = lazy(() => import('./routes/runs/RunPage'));
const ClustersPage = lazy(() => import('./routes/clusters/ClustersPage'));
const ClusterPage = lazy(() => import('./routes/clusters/ClusterPage'));
const OrphansPage = lazy(() => import('./routes/orphans/OrphansPage'));
const AlertsPage = lazy(() => import('./routes/alerts/AlertsPage'));
const DsConnectionsPage = lazy(() => import('./routes/ds/DsConnectionsPage'));
const MePage = lazy(() => import('./routes/me/MePage'));
const UsersPage = lazy(() => import('./routes/users/UsersPage'));
const TokensPage = lazy(() => import('./routes/tokens/TokensPage'));
const AuditPage = lazy(() => import('./routes/audit/AuditPage'));
const SecretsPage = lazy(() => import('./routes/secrets/SecretsPage'));

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will answer the same again; an outage may pass.
        retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 2,
        staleTime: 5_000,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}

/** The providers and routes. The router itself comes from main.tsx (browser) or the tests (memory). */
export function App({ queryClient }: { queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? newQueryClient());
  return (
    <LanguageProvider>
      <QueryClientProvider client={client}>
        <AuthProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireAuth>
                  <LiveProvider>
                    <Layout />
                  </LiveProvider>
                </RequireAuth>
              }
            >
              <Route index element={<OverviewPage />} />
              <Route path="pipelines" element={<PipelinesPage />} />
              <Route path="pipelines/new" element={<NewPipelinePage />} />
              <Route path="pipelines/:id" element={<PipelinePage />} />
              <Route path="pipelines/:id/:tab" element={<PipelinePage />} />
              <Route path="runs/:runId" element={<RunPage />} />
              <Route path="clusters" element={<ClustersPage />} />
              <Route path="clusters/:id" element={<ClusterPage />} />
              <Route path="orphans" element={<OrphansPage />} />
              <Route path="alerts" element={<AlertsPage />} />
              <Route path="ds-connections" element={<DsConnectionsPage />} />
              <Route path="me" element={<MePage />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="tokens" element={<TokensPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="secrets" element={<SecretsPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </AuthProvider>
      </QueryClientProvider>
    </LanguageProvider>
  );
}
