import { request } from './client';
import type { LoginResponse } from './types';

export const authApi = {
  login: (username: string, password: string) =>
    request<LoginResponse>('/auth/login', { method: 'POST', body: { username, password }, auth: false }),
};
