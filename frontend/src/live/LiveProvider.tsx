import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { serverReachable, Signal } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { loadSession } from '../auth/session';
import { applyEvent, refreshAfterGap } from './cache';
import { LiveStream, type LiveStatus } from './events';

const LiveContext = createContext<Signal<LiveStatus>>(new Signal<LiveStatus>('off'));

/** Holds the tab's one event stream while someone is signed in. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const { session, signOut } = useAuth();
  const token = session?.token ?? null;
  const [status, setStatus] = useState(() => new Signal<LiveStatus>('off'));

  useEffect(() => {
    if (!token) return;
    const stream = new LiveStream({
      token: () => loadSession()?.token ?? null,
      onEvent: (event) => applyEvent(qc, event),
      onOpen: (resumed) => {
        if (resumed) refreshAfterGap(qc);
      },
      onUnauthorized: () => signOut('sessionEnded'),
      onReachable: (ok) => serverReachable.set(ok),
    });
    setStatus(stream.status);
    stream.start();
    return () => stream.stop();
  }, [token, qc, signOut]);

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}

export function useLiveStatus(): LiveStatus {
  const signal = useContext(LiveContext);
  return useSyncExternalStore(signal.subscribe, signal.get, signal.get);
}
