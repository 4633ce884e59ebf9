// The one event stream of a tab: GET /api/v1/events read with fetch (so the token travels in the Authorization
// header, never in a URL), parsed as it arrives, reconnected with back-off. The id of the last event is sent back as
// Last-Event-ID, so the server replays every run.state missed while the stream was down. A `stream.closed` event
// means the credentials no longer hold: the stream is not reopened and the app is told, as for a 401.

import { API_BASE, Signal } from '../api/client';
import { SseParser, type SseEvent } from './sse';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

export interface LiveOptions {
  token: () => string | null;
  onEvent: (event: SseEvent) => void;
  /** After each successful (re)connection; `resumed` is false for the first. */
  onOpen?: (resumed: boolean) => void;
  onUnauthorized?: () => void;
  /** Whether the server answered at all (false after a network error), for the "cannot be reached" banner. */
  onReachable?: (reachable: boolean) => void;
  fetchImpl?: typeof fetch;
  /** First delay before reconnecting; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** The server writes a comment every 15 s; silence for this long means the connection is dead. */
  idleTimeoutMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export class LiveStream {
  readonly status = new Signal<LiveStatus>('connecting');
  lastEventId: string | null = null;
  private readonly stopper = new AbortController();
  private readonly opts: Required<Omit<LiveOptions, 'onOpen' | 'onUnauthorized' | 'onReachable'>> &
    Pick<LiveOptions, 'onOpen' | 'onUnauthorized' | 'onReachable'>;

  constructor(options: LiveOptions) {
    this.opts = {
      fetchImpl: (...args) => fetch(...args),
      initialDelayMs: 1_000,
      maxDelayMs: 30_000,
      idleTimeoutMs: 45_000,
      sleep: abortableSleep,
      random: Math.random,
      ...options,
    };
  }

  start(): this {
    void this.loop();
    return this;
  }

  stop(): void {
    this.stopper.abort();
    this.status.set('off');
  }

  /** The delay before reconnect attempt n (1-based): exponential with jitter, capped. */
  delay(attempt: number): number {
    const base = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(base / 2 + (base / 2) * this.opts.random());
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    let opened = false;
    while (!this.stopper.signal.aborted) {
      const outcome = await this.connect(opened);
      if (this.stopper.signal.aborted) return;
      if (outcome === 'unauthorized') {
        this.status.set('off');
        this.opts.onUnauthorized?.();
        return;
      }
      if (outcome === 'opened') {
        opened = true;
        attempt = 0;
      }
      attempt += 1;
      this.status.set(outcome === 'missing' ? 'off' : 'reconnecting');
      // An endpoint this server does not have yet is asked again rarely.
      await this.opts.sleep(outcome === 'missing' ? this.opts.maxDelayMs : this.delay(attempt), this.stopper.signal);
    }
  }

  private async connect(resumed: boolean): Promise<'opened' | 'failed' | 'missing' | 'unauthorized'> {
    const token = this.opts.token();
    if (!token) return 'unauthorized';
    const attempt = new AbortController();
    const abort = () => attempt.abort();
    this.stopper.signal.addEventListener('abort', abort);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(abort, this.opts.idleTimeoutMs);
    };
    let opened = false;
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
      if (this.lastEventId !== null) headers['Last-Event-ID'] = this.lastEventId;
      touch();
      let res: Response;
      try {
        res = await this.opts.fetchImpl(`${API_BASE}/events`, { headers, signal: attempt.signal, cache: 'no-store' });
      } catch (e) {
        if (!attempt.signal.aborted) this.opts.onReachable?.(false);
        throw e;
      }
      this.opts.onReachable?.(res.status !== 502 && res.status !== 504);
      if (res.status === 401) return 'unauthorized';
      if (res.status === 404) return 'missing';
      if (!res.ok || !res.body) return 'failed';
      opened = true;
      this.status.set('live');
      this.opts.onOpen?.(resumed);
      const parser = new SseParser(this.lastEventId);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        touch();
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          this.lastEventId = parser.lastEventId;
          if (event.event === 'stream.closed') return 'unauthorized';
          this.opts.onEvent(event);
        }
      }
    } catch {
      // network error, idle timeout or stop(): the loop decides what next
    } finally {
      clearTimeout(idle);
      this.stopper.signal.removeEventListener('abort', abort);
      attempt.abort(); // lets go of a body left unread (stream.closed)
    }
    return opened ? 'opened' : 'failed';
  }
}
