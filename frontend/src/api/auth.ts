import { body, http } from './client';

export const authApi = {
  login: (username: string, password: string) =>
    body(http.POST('/auth/login', { body: { username, password } }), false),
};
