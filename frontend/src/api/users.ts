import { body, http } from './client';
import type { NewUser, UserChanges } from './types';

const id = (user: number) => ({ path: { id: user } });

export const usersApi = {
  list: (signal?: AbortSignal) => body(http.GET('/users', { params: { query: { limit: 500 } }, signal })),
  create: (input: NewUser) => body(http.POST('/users', { body: input })),
  /** Role, disabled, a password reset; 409 when it would leave no enabled admin. */
  change: (user: number, changes: UserChanges) => body(http.PATCH('/users/{id}', { params: id(user), body: changes })),
};
