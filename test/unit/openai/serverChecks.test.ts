import { describe, expect, it } from 'vitest';
import { bearerKey, originVerdict, preflightHeaders } from '../../../electron/openai/httpChecks';
import { loopbackHostAllowed as hostAllowed, secretsEqual as keysEqual } from '../../../electron/lib/loopbackGuards';

describe('the API request checks', () => {
  it('allow exactly 127.0.0.1:<port> and localhost:<port> as Host', () => {
    expect(hostAllowed('127.0.0.1:8642', 8642)).toBe(true);
    expect(hostAllowed('localhost:8642', 8642)).toBe(true);
    for (const host of [undefined, '', 'evil.example', '127.0.0.1.nip.io:8642', '127.0.0.1', 'localhost:8643', '[::1]:8642']) {
      expect(hostAllowed(host, 8642), String(host)).toBe(false);
    }
  });

  it('read the bearer key, and compare keys of any length without throwing', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer  abc ')).toBe('abc');
    expect(bearerKey('Basic abc')).toBeNull();
    expect(bearerKey('Bearer a b')).toBeNull();
    expect(bearerKey(undefined)).toBeNull();
    expect(keysEqual('hearth-x', 'hearth-x')).toBe(true);
    expect(keysEqual('hearth-', 'hearth-x')).toBe(false);
    expect(keysEqual('hearth-xx', 'hearth-x')).toBe(false);
    expect(keysEqual(null, 'hearth-x')).toBe(false);
  });

  it('allow only listed origins, ignoring case, and never null', () => {
    const allowed = (): string[] => ['https://App.example'];
    expect(originVerdict(undefined, allowed)).toEqual({ kind: 'none' });
    expect(originVerdict('https://app.example', allowed)).toEqual({ kind: 'allowed', origin: 'https://app.example' });
    expect(originVerdict('https://app.example.evil', allowed)).toEqual({ kind: 'refused' });
    expect(originVerdict('null', allowed)).toEqual({ kind: 'refused' });
    expect(preflightHeaders('https://app.example', 'X-Stainless-Lang, x-stainless-lang, cookie')['Access-Control-Allow-Headers']).toBe(
      'Authorization, Content-Type, x-stainless-lang',
    );
  });
});
