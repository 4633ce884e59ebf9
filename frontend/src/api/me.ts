import { body, http } from './client';

export const meApi = {
  get: (signal?: AbortSignal) => body(http.GET('/me', { signal })),
  /** Ends the other sessions and answers a new token for this one. */
  changePassword: (currentPassword: string, newPassword: string) =>
    body(http.PUT('/me/password', { body: { currentPassword, newPassword } })),
};
