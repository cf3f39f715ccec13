import type { AppError } from '../../shared/errors';
import { errorDetail } from './openaiWire';
import { connectError, headersTimeout, httpError, type RemoteAsk, type RemoteWho } from './remoteErrors';

/** The caller's own signal ended the exchange: not a failure; the caller decides what it means. */
export class CallerAborted extends Error {
  constructor() {
    super('The request was stopped.');
    this.name = 'CallerAborted';
  }
}

/** An error body is read only this far: enough for any provider's message, not a way to fill memory. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * One request to a provider under two deadlines: no response headers within `timeoutMs`, and, while the body
 * streams, nothing for `timeoutMs` (a provider that hangs mid-answer). The caller's signal ends it at any point.
 * Redirects are not followed: the key must not travel to an address the user did not give.
 */
export class RemoteExchange {
  private readonly ctrl = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private why: 'caller' | 'timeout' | null = null;
  private readonly onCallerAbort = (): void => {
    this.why ??= 'caller';
    this.ctrl.abort();
  };

  constructor(
    private readonly who: RemoteWho,
    private readonly timeoutMs: number,
    private readonly caller?: AbortSignal,
  ) {
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Sends the request; resolves with a 2xx response, or throws the failure in words (or CallerAborted). */
  async open(url: string, init: { method: 'GET' | 'POST'; body?: string }, ask: RemoteAsk): Promise<Response> {
    if (this.why === 'caller') throw new CallerAborted();
    const headers: Record<string, string> = { accept: init.method === 'POST' ? 'text/event-stream, application/json' : 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (this.who.key) headers.authorization = `Bearer ${this.who.key}`;
    this.arm();
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers, signal: this.ctrl.signal, redirect: 'manual' });
    } catch (error) {
      throw this.failure(
        () => headersTimeout(this.who, this.timeoutMs),
        () => connectError(this.who, error),
      );
    }
    if (res.status >= 200 && res.status < 300) return res;
    let body: unknown = null;
    if (res.status < 300 || res.status >= 400) {
      const text = await this.readAll(res, ERROR_BODY_LIMIT).catch((error: unknown) => {
        if (error instanceof CallerAborted) throw error;
        return '';
      });
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (an HTML error page, a proxy's text): the status alone explains it.
      }
    } else {
      await res.body?.cancel().catch(() => {});
    }
    throw httpError(this.who, ask, res, errorDetail(body));
  }

  /**
   * The body as decoded text, chunk by chunk, each arrival resetting the deadline. `broken` words a body that
   * breaks (`timedOut`: nothing came for the deadline); a stop by the caller throws CallerAborted.
   */
  async *text(res: Response, broken: (timedOut: boolean, error: unknown) => AppError): AsyncGenerator<string> {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let finished = false;
    try {
      for (;;) {
        this.arm();
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (error) {
          throw this.failure(
            () => broken(true, error),
            () => broken(false, error),
          );
        }
        if (r.done) break;
        const s = decoder.decode(r.value, { stream: true });
        if (s) yield s;
      }
      finished = true;
      const tail = decoder.decode();
      if (tail) yield tail;
    } finally {
      this.disarm();
      // The consumer stopped early ([DONE] seen, or the caller stopped): let the connection go.
      if (!finished) await reader.cancel().catch(() => {});
    }
  }

  /** The whole body as text, up to `limit` characters (more is an error: it is not what was asked for). */
  async readAll(res: Response, limit: number, broken?: (timedOut: boolean, error: unknown) => AppError): Promise<string> {
    let out = '';
    for await (const s of this.text(res, broken ?? ((_t, error) => connectError(this.who, error)))) {
      out += s;
      if (out.length > limit) throw new RangeError(`The answer is larger than ${limit} characters.`);
    }
    return out;
  }

  /** Ends the exchange: the deadline, the caller's listener, and the connection if it is still open. */
  close(): void {
    this.disarm();
    this.caller?.removeEventListener('abort', this.onCallerAbort);
    this.ctrl.abort();
  }

  private failure(timedOut: () => AppError, other: () => AppError): Error {
    if (this.why === 'caller') return new CallerAborted();
    return this.why === 'timeout' ? timedOut() : other();
  }

  private arm(): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.why ??= 'timeout';
      this.ctrl.abort();
    }, this.timeoutMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
