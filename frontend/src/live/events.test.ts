import { describe, expect, it, vi } from 'vitest';
import { LiveStream } from './events';
import type { SseEvent } from './sse';

/** A response whose body streams the given chunks, then ends (or stays open). */
function stream(chunks: string[], end = true): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      chunks.forEach((c) => ctrl.enqueue(enc.encode(c)));
      if (end) ctrl.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

interface Attempt {
  headers: Record<string, string>;
  url: string;
}

function harness(answers: Array<() => Response | Promise<Response>>) {
  const attempts: Attempt[] = [];
  const delays: number[] = [];
  const events: SseEvent[] = [];
  const opens: boolean[] = [];
  let unauthorized = 0;
  let n = 0;
  const done = new Promise<void>((resolve) => {
    const live = new LiveStream({
      token: () => 'tok',
      onEvent: (e) => events.push(e),
      onOpen: (resumed) => opens.push(resumed),
      onUnauthorized: () => {
        unauthorized++;
        resolve();
      },
      random: () => 1,
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      sleep: async (ms) => {
        delays.push(ms);
      },
      fetchImpl: async (input, init) => {
        const headers: Record<string, string> = {};
        new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
        attempts.push({ url: String(input), headers });
        const answer = answers[n++];
        if (!answer) {
          live.stop();
          resolve();
          return new Promise<Response>(() => {});
        }
        return answer();
      },
    });
    live.start();
  });
  return { attempts, delays, events, opens, done, unauthorized: () => unauthorized };
}

describe('LiveStream', () => {
  it('sends the token as a header, never in the URL, and parses what arrives', async () => {
    const h = harness([() => stream(['id: 1\nevent: run.state\ndata: {"runId":5}\n\n'])]);
    await h.done;
    expect(h.attempts[0]!.url).toBe('/api/v1/events');
    expect(h.attempts[0]!.headers.authorization).toBe('Bearer tok');
    expect(h.attempts[0]!.headers['last-event-id']).toBeUndefined();
    expect(h.events).toEqual([{ event: 'run.state', data: '{"runId":5}', id: '1' }]);
  });

  it('reconnects after the stream ends, sending Last-Event-ID so the server replays what was missed', async () => {
    const h = harness([
      () => stream(['id: 10\nevent: run.state\ndata: {}\n\n', 'id: 11\nevent: run.state\ndata: {}\n\n']),
      () => stream(['id: 12\nevent: run.state\ndata: {}\n\n']),
    ]);
    await h.done;
    expect(h.attempts).toHaveLength(3);
    expect(h.attempts[1]!.headers['last-event-id']).toBe('11');
    expect(h.attempts[2]!.headers['last-event-id']).toBe('12');
    expect(h.events.map((e) => e.id)).toEqual(['10', '11', '12']);
    expect(h.opens).toEqual([false, true]);
  });

  it('backs off exponentially while the server is down, up to the cap, and starts over after a success', async () => {
    const down = () => Promise.reject(new TypeError('Failed to fetch'));
    const busy = () => new Response('', { status: 429 });
    const h = harness([down, down, busy, down, down, down, () => stream([]), down]);
    await h.done;
    // random() = 1 gives the full delay: 100, 200, 400, 800, 1000 (cap), 1000, then reset after the open.
    expect(h.delays.slice(0, 7)).toEqual([100, 200, 400, 800, 1_000, 1_000, 100]);
  });

  it('reports whether the server could be reached', async () => {
    const seen: boolean[] = [];
    await new Promise<void>((resolve) => {
      let n = 0;
      const live = new LiveStream({
        token: () => 'tok',
        onEvent: () => {},
        onReachable: (ok) => seen.push(ok),
        sleep: async () => {},
        fetchImpl: async () => {
          n += 1;
          if (n === 1) throw new TypeError('Failed to fetch');
          if (n === 2) return new Response('', { status: 502 });
          if (n === 3) return stream([]);
          live.stop();
          resolve();
          return new Promise<Response>(() => {});
        },
      }).start();
    });
    expect(seen).toEqual([false, false, true]);
  });

  it('stops and reports when the session is refused', async () => {
    const h = harness([() => new Response('', { status: 401 })]);
    await h.done;
    expect(h.unauthorized()).toBe(1);
    expect(h.attempts).toHaveLength(1);
  });

  it('does not reopen a stream the server closed because the session no longer holds, and reports it', async () => {
    // Left open after stream.closed: the client must not wait for the end of the body.
    const h = harness([
      () =>
        stream(
          ['id: 5\nevent: run.state\ndata: {}\n\n', 'event: stream.closed\ndata: {"reason":"token revoked"}\n\n'],
          false,
        ),
    ]);
    await h.done;
    expect(h.unauthorized()).toBe(1);
    expect(h.attempts).toHaveLength(1);
    expect(h.events.map((e) => e.event)).toEqual(['run.state']);
  });

  it('asks rarely for an endpoint this server does not have', async () => {
    const h = harness([() => new Response('', { status: 404 })]);
    await h.done;
    expect(h.delays[0]).toBe(1_000);
  });

  it('drops a connection that went silent and reconnects', async () => {
    vi.useFakeTimers();
    try {
      const attempts: number[] = [];
      const live = new LiveStream({
        token: () => 'tok',
        onEvent: () => {},
        idleTimeoutMs: 45_000,
        sleep: async () => {},
        fetchImpl: async (_input, init) => {
          attempts.push(Date.now());
          if (attempts.length > 1) live.stop();
          const signal = init?.signal;
          const body = new ReadableStream<Uint8Array>({
            start(ctrl) {
              signal?.addEventListener('abort', () => ctrl.error(new DOMException('aborted', 'AbortError')));
            },
          });
          return new Response(body, { status: 200 });
        },
      }).start();
      await vi.advanceTimersByTimeAsync(44_000);
      expect(attempts).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(attempts).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
