import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('reads named events with ids and JSON data, skipping comments', () => {
    const p = new SseParser();
    const events = p.push(': connected\n\nid: 41\nevent: run.state\ndata: {"runId":1}\n\n: keep-alive\n\n');
    expect(events).toEqual([{ event: 'run.state', data: '{"runId":1}', id: '41' }]);
    expect(p.lastEventId).toBe('41');
  });

  it('joins data lines and completes events split across chunks at any point', () => {
    const text = 'event: x\ndata: a\ndata: b\n\nid: 7\ndata: c\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'x', data: 'a\nb', id: null },
        { event: 'message', data: 'c', id: '7' },
      ]);
      expect(p.lastEventId).toBe('7');
    }
  });

  it('keeps the last id across events without one, and dispatches nothing for an empty event', () => {
    const p = new SseParser('3');
    expect(p.push('event: cluster.health\n\n')).toEqual([]);
    expect(p.push('data: z\n\n')).toEqual([{ event: 'message', data: 'z', id: null }]);
    expect(p.lastEventId).toBe('3');
  });

  it('takes "field:value" without a space and ignores unknown fields', () => {
    const p = new SseParser();
    expect(p.push('event:run.stale\nretry: 10\nfoo: bar\ndata:{"a":1}\n\n')).toEqual([
      { event: 'run.stale', data: '{"a":1}', id: null },
    ]);
  });
});
