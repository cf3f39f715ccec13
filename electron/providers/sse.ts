/** One Server-Sent Event: its type (`message` unless the server named one) and its data lines joined by `\n`. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream rules, less `id` and `retry`, which a chat
 * completion never needs). Text arrives in chunks split anywhere, even between the CR and the LF of one line
 * ending; lines end in LF, CRLF or a lone CR; a line starting with `:` is a comment (a keep-alive); a blank line
 * ends an event; an event with no `data` line is dropped, as a browser's EventSource drops it.
 *
 * It takes decoded text: the caller decodes bytes with a streaming TextDecoder, which also holds back a UTF-8
 * character split between two chunks.
 */
export class SseParser {
  private buffer = '';
  /** The last chunk ended in CR: an LF at the start of the next one belongs to the same line ending. */
  private afterCr = false;
  private started = false;
  private event = '';
  private data: string[] = [];

  /** Feeds a chunk; returns the events it completed. */
  push(text: string): SseEvent[] {
    let chunk = text;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.afterCr = false;
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i), out);
      if (c === 13) {
        if (i + 1 === this.buffer.length) this.afterCr = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /**
   * The stream ended. Per the spec an unfinished event is dropped; a server that closes right after its last
   * `data:` line without the blank one still meant it, so a pending line and event are finished here.
   */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buffer) this.line(this.buffer, out);
    this.buffer = '';
    this.line('', out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}
