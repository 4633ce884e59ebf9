// A parser for the text/event-stream format (WHATWG HTML, "Server-sent events"), fed with decoded chunks as they
// arrive. Keep-alive comments are skipped; an event is dispatched at each blank line.

export interface SseEvent {
  /** "message" when the server named none. */
  event: string;
  data: string;
  /** The id: field of this event, if it had one. */
  id: string | null;
}

export class SseParser {
  private buffer = '';
  private eventType = '';
  private data: string[] = [];
  private id: string | null = null;
  private hasId = false;
  /** The last event id seen, carried across events as the spec says. */
  lastEventId: string | null;

  constructor(lastEventId: string | null = null) {
    this.lastEventId = lastEventId;
  }

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) out.push(event);
    }
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.id = value;
          this.hasId = true;
        }
        break;
      default:
        // retry: and unknown fields are ignored; reconnect timing is ours.
        break;
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    if (this.hasId) this.lastEventId = this.id;
    const hadId = this.hasId;
    const event: SseEvent = {
      event: this.eventType || 'message',
      data: this.data.join('\n'),
      id: hadId ? this.id : null,
    };
    const empty = this.data.length === 0;
    this.eventType = '';
    this.data = [];
    this.id = null;
    this.hasId = false;
    return empty ? null : event;
  }
}
