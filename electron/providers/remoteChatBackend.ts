import { AppError } from '../../shared/errors';
import type { ChatBackend, ChatCall } from '../chat/chatBackend';
import type { ChatTurn, GenerateOptions, GenerateResult, StopReason } from '../inference/protocol';
import { errorDetail, WireChunk, WireCompletion, type WireUsage } from './openaiWire';
import { cutOff, notUnderstood, ParameterRefused, type RemoteWho, streamError, streamTimeout } from './remoteErrors';
import { CallerAborted, RemoteExchange } from './remoteHttp';
import { SseParser } from './sse';

/** A provider as it stands at the moment of sending. */
export interface RemoteTarget {
  name: string;
  baseUrl: string;
  key: string | null;
}

export interface RemoteChatOptions {
  model: string;
  /**
   * Looks the provider up at the moment of sending, with its key; throws (in words) when it is gone or switched
   * off, so nothing is sent to a provider the user disabled after this backend was made.
   */
  connect: () => Promise<RemoteTarget>;
  /** No response headers within this, or no chunk for this mid-stream: an error. */
  timeoutMs: number;
  now?: () => number;
}

/** OpenAI accepts at most four stop sequences (and refuses the request with more). */
const MAX_STOP = 4;
/** A server that ignores `stream: true` sends the whole answer as JSON: read that far at most. */
const WHOLE_ANSWER_LIMIT = 16 * 1024 * 1024;

/**
 * The request body. Only what the OpenAI API defines: top_k, min_p and the repeat penalty are not in it, and
 * OpenAI refuses parameters it does not know, so they are left out; so are the engine's own knobs (the thought
 * budget, the overflow policy). A continued answer is sent as the turns it is (ending with the partial assistant
 * turn): servers that prefill a final assistant message continue it, others answer anew.
 */
export function chatRequestBody(model: string, turns: ChatTurn[], o: GenerateOptions, fit: RequestFit = NO_FIT): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages: turns.map((t) => ({ role: t.role, content: t.content })),
    stream: true,
    stream_options: { include_usage: true },
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.topP !== undefined ? { top_p: o.topP } : {}),
    // 0 means "until the model stops" here; the API has no such value, so it is left out.
    ...(o.maxTokens ? { [fit.completionTokens ? 'max_completion_tokens' : 'max_tokens']: o.maxTokens } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.stop && o.stop.length > 0 ? { stop: o.stop.slice(0, MAX_STOP) } : {}),
  };
  for (const p of fit.drop) delete body[p];
  return body;
}

/** What a model refused before: parameters to leave out, and max_completion_tokens in place of max_tokens. */
export interface RequestFit {
  drop: ReadonlySet<string>;
  completionTokens: boolean;
}
const NO_FIT: RequestFit = { drop: new Set(), completionTokens: false };
/** Sampling parameters a model may refuse and the answer can do without (never the model or the messages). */
const OPTIONAL = new Set(['temperature', 'top_p', 'seed', 'stop', 'max_tokens', 'stream_options']);
/**
 * What each provider's model refused, learned for this run (OpenAI's o-series and gpt-5 take no temperature and
 * want max_completion_tokens; a proxy may refuse stream_options): the next answer asks right the first time.
 */
const learned = new Map<string, RequestFit>();

/** The fit after `param` was refused, or null when leaving it out cannot help (not optional, or already out). */
export function refit(fit: RequestFit, param: string): RequestFit | null {
  if (!OPTIONAL.has(param)) return null;
  if (param === 'max_tokens') return fit.completionTokens ? null : { ...fit, completionTokens: true };
  if (fit.drop.has(param)) return null;
  return { ...fit, drop: new Set([...fit.drop, param]) };
}

function stopReasonOf(finish: string | null): StopReason {
  switch (finish) {
    case 'stop':
      return 'eog';
    case 'length':
      return 'maxTokens';
    default:
      // content_filter, tool_calls (no tools are sent), or a server that names none.
      return 'other';
  }
}

/** What one answer has gathered so far. */
class Answer {
  text = '';
  thoughts = '';
  finish: string | null = null;
  usage: WireUsage | null = null;
  firstAt: number | null = null;
  thoughtFrom: number | null = null;
  thoughtTo: number | null = null;

  constructor(
    private readonly call: ChatCall,
    private readonly now: () => number,
  ) {}

  /** Hands a delta on, unless the caller has stopped (then nothing more reaches onText). */
  add(kind: 'text' | 'thought', s: string): void {
    if (!s) return;
    if (this.call.signal.aborted) throw new CallerAborted();
    const t = this.now();
    this.firstAt ??= t;
    if (kind === 'thought') {
      this.thoughtFrom ??= t;
      this.thoughts += s;
      this.call.onThought?.(s);
    } else {
      if (this.thoughtFrom !== null) this.thoughtTo ??= t;
      this.text += s;
      this.call.onText(s);
    }
  }

  result(started: number, stopReason: StopReason): GenerateResult {
    const end = this.now();
    return {
      text: this.text,
      thoughts: this.thoughts,
      thoughtMs: this.thoughtFrom === null ? null : Math.round((this.thoughtTo ?? end) - this.thoughtFrom),
      functionCalls: [],
      stopReason,
      // Counts only when the provider sent them (stream_options.include_usage): Hearth cannot count another
      // tokenizer's tokens, so without usage they stay 0 rather than a guess.
      promptTokens: this.usage?.prompt_tokens ?? 0,
      // The provider's prompt cache is the nearest thing to a sequence that already held the history.
      reusedTokens: this.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      completionTokens: this.usage?.completion_tokens ?? 0,
      timeToFirstTokenMs: this.firstAt === null ? null : Math.round(this.firstAt - started),
      durationMs: Math.round(end - started),
      droppedMessages: 0,
      sequence: 0,
    };
  }
}

/**
 * A remote OpenAI-compatible model as a chat backend: POST <baseUrl>/chat/completions, streamed. Text reaches
 * `onText` as it arrives; a stop by the caller ends with the text so far (stopReason 'abort'), as the local engine
 * does; every failure throws an AppError in words, after the text so far went to `onText` (the answer runner
 * keeps it with the failed answer).
 */
export class RemoteChatBackend implements ChatBackend {
  readonly kind = 'remote' as const;

  constructor(private readonly o: RemoteChatOptions) {}

  async generate(turns: ChatTurn[], options: GenerateOptions, call: ChatCall): Promise<GenerateResult> {
    const now = this.o.now ?? (() => performance.now());
    const started = now();
    const answer = new Answer(call, now);
    if (call.signal.aborted) return answer.result(started, 'abort');
    const target = await this.o.connect();
    const who: RemoteWho = { name: target.name, baseUrl: target.baseUrl, key: target.key };
    const memo = `${target.baseUrl} ${this.o.model}`;
    let exchange = new RemoteExchange(who, this.o.timeoutMs, call.signal);
    try {
      let res: Response | null = null;
      // A refused optional parameter (a 400 that names it, before anything was written) is left out and the
      // request sent again; a few tries at most, each leaving out one more.
      for (let tries = 0; res === null; tries++) {
        const fit = learned.get(memo) ?? NO_FIT;
        try {
          res = await exchange.open(
            `${target.baseUrl}/chat/completions`,
            { method: 'POST', body: JSON.stringify(chatRequestBody(this.o.model, turns, options, fit)) },
            { kind: 'chat', model: this.o.model },
          );
        } catch (error) {
          const next = error instanceof ParameterRefused && tries < 4 ? refit(fit, error.param) : null;
          if (!next) throw error;
          learned.set(memo, next);
          exchange.close();
          exchange = new RemoteExchange(who, this.o.timeoutMs, call.signal);
        }
      }
      if (/^application\/json/i.test(res.headers.get('content-type') ?? '')) {
        await this.whole(exchange, res, who, answer);
      } else {
        await this.stream(exchange, res, who, answer);
      }
      return answer.result(started, stopReasonOf(answer.finish));
    } catch (error) {
      if (error instanceof CallerAborted) return answer.result(started, 'abort');
      throw error;
    } finally {
      exchange.close();
    }
  }

  private async stream(exchange: RemoteExchange, res: Response, who: RemoteWho, answer: Answer): Promise<void> {
    const parser = new SseParser();
    const broken = (timedOut: boolean) =>
      timedOut ? streamTimeout(who, this.o.timeoutMs, answer.text.length > 0) : cutOff(who, answer.text.length > 0);
    for await (const s of exchange.text(res, broken)) {
      for (const e of parser.push(s)) if (this.event(e, who, answer) === 'done') return;
    }
    for (const e of parser.end()) if (this.event(e, who, answer) === 'done') return;
    // The body ended without [DONE]: complete only if the provider said how the answer finished.
    if (answer.finish === null) throw cutOff(who, answer.text.length > 0);
  }

  private event(e: { event: string; data: string }, who: RemoteWho, answer: Answer): 'done' | 'more' {
    if (e.data.trim() === '[DONE]') return 'done';
    let json: unknown;
    try {
      json = JSON.parse(e.data);
    } catch {
      throw notUnderstood(who, 'a stream chunk', answer.text.length > 0);
    }
    if (e.event === 'error') throw streamError(who, errorDetail(json), answer.text.length > 0);
    const chunk = WireChunk.safeParse(json);
    if (!chunk.success) throw notUnderstood(who, 'a stream chunk', answer.text.length > 0);
    if (chunk.data.error !== undefined && chunk.data.error !== null) {
      throw streamError(who, errorDetail(json), answer.text.length > 0);
    }
    if (chunk.data.usage) answer.usage = chunk.data.usage;
    const choice = chunk.data.choices?.[0];
    if (choice?.delta) {
      answer.add('thought', choice.delta.reasoning_content ?? choice.delta.reasoning ?? '');
      answer.add('text', choice.delta.content ?? '');
    }
    if (choice?.finish_reason) answer.finish = choice.finish_reason;
    return 'more';
  }

  /** A server that ignored `stream: true`: the whole answer at once, handed on as one delta. */
  private async whole(exchange: RemoteExchange, res: Response, who: RemoteWho, answer: Answer): Promise<void> {
    const text = await exchange
      .readAll(res, WHOLE_ANSWER_LIMIT, (timedOut) => (timedOut ? streamTimeout(who, this.o.timeoutMs, false) : cutOff(who, false)))
      .catch((error: unknown) => {
        throw error instanceof RangeError ? new AppError('NETWORK', `${who.name} sent an answer larger than Hearth reads.`) : error;
      });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw notUnderstood(who, 'a chat answer');
    }
    const r = WireCompletion.safeParse(json);
    if (!r.success) throw notUnderstood(who, 'a chat answer');
    const choice = r.data.choices[0]!;
    answer.add('thought', choice.message.reasoning_content ?? choice.message.reasoning ?? '');
    answer.add('text', choice.message.content ?? '');
    answer.finish = choice.finish_reason ?? 'stop';
    answer.usage = r.data.usage ?? null;
  }
}
