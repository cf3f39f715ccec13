import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { errorDetail } from '../../../electron/providers/openaiWire';
import { connectError, cutOff, httpError, providerWords, retryAfterWords, streamTimeout } from '../../../electron/providers/remoteErrors';

const KEY = 'sk-secret-0123456789';
const who = { name: 'Acme AI', baseUrl: 'https://api.acme.example/v1', key: KEY };
const chat = { kind: 'chat' as const, model: 'acme-large' };
const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), url: '' });
const none = { message: null, code: null, type: null };

describe('remote errors in words', () => {
  it('says a refused key in words and where to fix it, without the provider message that repeats the key', () => {
    const e = httpError(who, chat, res(401), errorDetail({ error: { message: `Incorrect API key provided: ${KEY}` } }));
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toBe('Acme AI refused the key: check it in Connections > Remote providers.');
    expect(httpError(who, chat, res(403), none).message).toContain('refused the key');
    expect(httpError({ ...who, key: null }, chat, res(401), none).message).toContain('none is stored');
  });

  it('names the model a provider does not have, from OpenAI’s code, vLLM’s top-level 404 or a 400 with the code', () => {
    const expected = 'Acme AI has no model called acme-large.';
    const openai = errorDetail({ error: { message: 'The model `acme-large` does not exist', code: 'model_not_found' } });
    expect(httpError(who, chat, res(404), openai).message).toContain(expected);
    const vllm = errorDetail({ object: 'error', message: 'The model `acme-large` does not exist.', type: 'NotFoundError', code: 404 });
    expect(httpError(who, chat, res(404), vllm).message).toContain(expected);
    expect(httpError(who, chat, res(400), openai).message).toContain(expected);
    expect(httpError(who, chat, res(404), openai).code).toBe('NOT_FOUND');
  });

  it('says a 404 with no word of a model is a wrong base URL', () => {
    expect(httpError(who, chat, res(404), none).message).toBe(
      'Acme AI has no chat endpoint at https://api.acme.example/v1: check the base URL (for most providers it ends in /v1).',
    );
    expect(httpError(who, { kind: 'models' }, res(404), none).message).toContain('has no model list at');
  });

  it('says when to try again after a rate limit, from Retry-After in seconds or as a date', () => {
    expect(httpError(who, chat, res(429, { 'retry-after': '20' }), none).message).toBe(
      'Acme AI hit its rate limit: try again in 20 seconds.',
    );
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterWords('Wed, 01 Jan 2025 00:05:00 GMT', now)).toBe('5 minutes');
    expect(retryAfterWords(null)).toBe('a little while');
    expect(retryAfterWords('soon')).toBe('a little while');
    expect(retryAfterWords('1')).toBe('a second');
    expect(retryAfterWords('7200')).toBe('2 hours');
    const quota = errorDetail({ error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } });
    expect(httpError(who, chat, res(429), quota).message).toContain('no quota left');
  });

  it('passes a server error’s own words on, with the key cut out', () => {
    const e = httpError(who, chat, res(503), errorDetail({ error: { message: `Overloaded (key ${KEY})` } }));
    expect(e.message).toBe('Acme AI had a problem of its own (status 503: Overloaded (key [key])). Try again later.');
    expect(httpError(who, chat, res(400), errorDetail({ error: 'context too long' })).message).toBe(
      'Acme AI refused the request (status 400: context too long).',
    );
  });

  it('does not follow a redirect with the key, and says where it pointed', () => {
    const e = httpError(who, chat, res(301, { location: 'https://elsewhere.example/v1' }), none);
    expect(e.message).toContain('https://elsewhere.example/v1');
    expect(e.message).toContain('does not follow it');
  });

  it('says a stream that broke or went quiet cut the answer off', () => {
    expect(cutOff(who, true).message).toBe('The connection to Acme AI broke, so the answer was cut off.');
    expect(cutOff(who, false).message).toContain('before the answer started');
    expect(streamTimeout(who, 30_000, true).message).toBe('Acme AI sent nothing for 30 seconds, so the answer was cut off.');
  });

  it('explains connection failures by undici’s cause code', () => {
    const failed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    expect(connectError(who, failed('ECONNREFUSED')).message).toContain('connection refused');
    expect(connectError(who, failed('ENOTFOUND')).message).toBe(
      "Could not find api.acme.example: check Acme AI's base URL and your network connection.",
    );
    expect(connectError(who, failed('CERT_HAS_EXPIRED')).message).toContain('certificate');
    expect(connectError(who, failed('EWHATEVER')).message).toContain('(EWHATEVER)');
  });

  it('makes a provider’s message one short line without the key', () => {
    expect(providerWords(`a\n\nb ${KEY}`, KEY)).toBe('a b [key]');
    expect(providerWords('x'.repeat(1000))!.length).toBe(300);
    expect(providerWords('   ')).toBeNull();
  });
});
