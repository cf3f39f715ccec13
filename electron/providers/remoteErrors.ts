import { AppError } from '../../shared/errors';
import type { RemoteErrorDetail } from './openaiWire';

/**
 * Everything that can go wrong with a remote provider, said in words the user can act on. Each message names the
 * provider and never holds its key: a provider's own message is passed on only after the key is cut out of it
 * (OpenAI's 401 repeats part of the key it was given), and never for a refused key.
 */

/** Who was asked: the provider's name as the user wrote it, and its base URL. */
export interface RemoteWho {
  name: string;
  baseUrl: string;
  /** The key that was sent, cut out of anything the provider says back. */
  key?: string | null;
}

/** What was asked: a chat answer with a model, or the model list. */
export type RemoteAsk = { kind: 'chat'; model: string } | { kind: 'models' };

const WHERE = 'Connections > Remote providers';

export function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** `Retry-After` is seconds or an HTTP date; both become words ("12 seconds", "3 minutes"). */
export function retryAfterWords(header: string | null, now = Date.now()): string {
  if (!header) return 'a little while';
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return 'a little while';
  if (ms <= 1000) return 'a second';
  if (ms < 90_000) return seconds(ms);
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  return hours === 1 ? 'an hour' : `${hours} hours`;
}

/** A provider's own words, made safe to show and keep: one line, short, without the key. */
export function providerWords(message: string | null, key?: string | null): string | null {
  if (!message) return null;
  let text = message.replace(/\s+/g, ' ').trim();
  if (key) text = text.split(key).join('[key]');
  if (text.length > 300) text = `${text.slice(0, 299)}…`;
  return text || null;
}

const isModelNotFound = (d: RemoteErrorDetail): boolean => d.code === 'model_not_found' || d.type === 'model_not_found';

/**
 * The provider refused one optional parameter of the request (OpenAI's reasoning models take no temperature and
 * want max_completion_tokens): the request can go again without it. Not an error the user sees unless it stays.
 */
export class ParameterRefused extends AppError {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super('NETWORK', message);
  }
}

/** A status other than 2xx. `detail` is the error body as far as it could be read (null fields when it was not JSON). */
export function httpError(
  who: RemoteWho,
  ask: RemoteAsk,
  res: { status: number; headers: Headers; url: string },
  detail: RemoteErrorDetail,
  now = Date.now(),
): AppError {
  const { name } = who;
  const said = providerWords(detail.message, who.key);
  const { status } = res;
  if (status === 400 && detail.param && /unsupported|not supported/i.test(`${detail.code ?? ''} ${detail.message ?? ''}`)) {
    return new ParameterRefused(`${name} refused the request (status 400${said ? `: ${said}` : ''}).`, detail.param);
  }
  if (status === 401 || status === 403) {
    return who.key
      ? new AppError('FORBIDDEN', `${name} refused the key: check it in ${WHERE}.`)
      : new AppError('FORBIDDEN', `${name} asks for a key and none is stored: add one in ${WHERE}.`);
  }
  // vLLM and others answer an unknown model with a plain 404 whose message names the model; a 404 that does not
  // talk about a model is a wrong address.
  if (isModelNotFound(detail) || (status === 404 && ask.kind === 'chat' && /model/i.test(detail.message ?? ''))) {
    const model = ask.kind === 'chat' ? ask.model : 'that name';
    return new AppError('NOT_FOUND', `${name} has no model called ${model}. Check the model's name in ${WHERE}.`);
  }
  if (status === 404) {
    const what = ask.kind === 'chat' ? 'chat endpoint' : 'model list';
    return new AppError('NOT_FOUND', `${name} has no ${what} at ${who.baseUrl}: check the base URL (for most providers it ends in /v1).`);
  }
  if (status === 429) {
    if (detail.code === 'insufficient_quota' || detail.type === 'insufficient_quota') {
      return new AppError('NETWORK', `${name} says the account has no quota left: check your plan and billing with ${name}.`);
    }
    return new AppError('NETWORK', `${name} hit its rate limit: try again in ${retryAfterWords(res.headers.get('retry-after'), now)}.`);
  }
  if (status >= 300 && status < 400) {
    const location = res.headers.get('location');
    return new AppError(
      'NETWORK',
      `${name} sent Hearth to another address${location ? ` (${providerWords(location, who.key)})` : ''}; Hearth does not follow it with your key. If that address is right, use it as the base URL.`,
    );
  }
  if (status >= 500) {
    return new AppError('NETWORK', `${name} had a problem of its own (status ${status}${said ? `: ${said}` : ''}). Try again later.`);
  }
  return new AppError('NETWORK', `${name} refused the request (status ${status}${said ? `: ${said}` : ''}).`);
}

/** No response headers within the deadline. */
export function headersTimeout(who: RemoteWho, ms: number): AppError {
  return new AppError('NETWORK', `${who.name} did not answer within ${seconds(ms)}. Try again, or check that ${who.baseUrl} is right.`);
}

/** Nothing arrived for `ms` in the middle of an answer. */
export function streamTimeout(who: RemoteWho, ms: number, textSoFar: boolean): AppError {
  return new AppError(
    'NETWORK',
    textSoFar
      ? `${who.name} sent nothing for ${seconds(ms)}, so the answer was cut off.`
      : `${who.name} started an answer but sent nothing for ${seconds(ms)}.`,
  );
}

/** The body ended or broke before the answer was finished. */
export function cutOff(who: RemoteWho, textSoFar: boolean, why?: string | null): AppError {
  const said = providerWords(why ?? null, who.key);
  const because = said ? ` (${said})` : '';
  return new AppError(
    'NETWORK',
    textSoFar
      ? `The connection to ${who.name} broke${because}, so the answer was cut off.`
      : `The connection to ${who.name} broke${because} before the answer started.`,
  );
}

/** The provider reported an error inside the stream. */
export function streamError(who: RemoteWho, detail: RemoteErrorDetail, textSoFar: boolean): AppError {
  const said = providerWords(detail.message, who.key) ?? 'no reason given';
  return new AppError(
    'NETWORK',
    textSoFar ? `${who.name} stopped with an error (${said}), so the answer was cut off.` : `${who.name} failed: ${said}.`,
  );
}

/** A body that is not what an OpenAI-compatible server sends (`expected`: "a model list"). */
export function notUnderstood(who: RemoteWho, expected: string, textSoFar = false): AppError {
  if (textSoFar) return new AppError('NETWORK', `${who.name} sent something Hearth does not understand, so the answer was cut off.`);
  return new AppError(
    'NETWORK',
    `${who.name} did not answer with ${expected} Hearth understands: check that ${who.baseUrl} is an OpenAI-compatible base URL.`,
  );
}

const CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS/i;

/** fetch failed before any response: refused, not found, reset, a certificate... (undici puts the reason in `cause`). */
export function connectError(who: RemoteWho, error: unknown): AppError {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const code = cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const causeMessage = cause instanceof Error ? cause.message : undefined;
  let host = who.baseUrl;
  try {
    host = new URL(who.baseUrl).host;
  } catch {
    // keep the base URL as written
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new AppError(
        'NETWORK',
        `Could not reach ${who.name} at ${who.baseUrl}: nothing answers there (connection refused). Is the server running?`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError('NETWORK', `Could not find ${host}: check ${who.name}'s base URL and your network connection.`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new AppError('NETWORK', `${who.name} closed the connection before answering.`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new AppError('NETWORK', `Could not reach ${who.name} at ${who.baseUrl}: the connection timed out.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AppError('NETWORK', `Could not reach ${who.name} at ${who.baseUrl}: there is no route to it from this network.`);
    default:
      break;
  }
  if (code && CERT.test(code)) {
    return new AppError('NETWORK', `${who.name}'s certificate at ${host} was not accepted (${code}).`);
  }
  const why = providerWords(code ?? causeMessage ?? (error instanceof Error ? error.message : String(error)), who.key);
  return new AppError('NETWORK', `Could not reach ${who.name} at ${who.baseUrl}${why ? ` (${why})` : ''}.`);
}
