import { request } from './client';
import type { LoginResponse, Me } from './types';

export const meApi = {
  get: (signal?: AbortSignal) => request<Me>('/me', { signal }),
  /** Ends the other sessions and answers a new token for this one. */
  changePassword: (currentPassword: string, newPassword: string) =>
    request<LoginResponse>('/me/password', { method: 'PUT', body: { currentPassword, newPassword } }),
};
