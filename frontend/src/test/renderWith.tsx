import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { newQueryClient } from '../App';
import { AuthProvider } from '../auth/AuthContext';
import { LanguageProvider } from '../i18n/LanguageProvider';

/** One component with the app's providers (language, cache, session) but without the shell and routes. */
export function renderWith(ui: ReactNode) {
  const queryClient = newQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  const view = render(
    <MemoryRouter>
      <LanguageProvider>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>{ui}</AuthProvider>
        </QueryClientProvider>
      </LanguageProvider>
    </MemoryRouter>,
  );
  return { queryClient, ...view };
}
