import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usersApi } from '../api/users';
import type { NewUser, UserChanges } from '../api/types';
import { keys } from './keys';

export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: ({ signal }) => usersApi.list(signal) });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewUser) => usersApi.create(input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.users }),
  });
}

export function useChangeUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; changes: UserChanges }) => usersApi.change(v.id, v.changes),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.users }),
  });
}
