import { describe, expect, it } from 'vitest';
import { addOrigin, MAX_ORIGINS, normalizeOrigin, parsePort } from '../../../../renderer/features/api/apiInput';

describe('the port field', () => {
  it('takes a whole number from 1 to 65535 and refuses anything else in words', () => {
    expect(parsePort(' 8642 ')).toEqual({ ok: true, value: 8642 });
    expect(parsePort('65535')).toEqual({ ok: true, value: 65535 });
    for (const bad of ['', '0', '65536', '80.5', '-1', 'abc', '1e3']) {
      expect(parsePort(bad)).toEqual({ ok: false, error: 'A port is a whole number from 1 to 65535.' });
    }
  });
});

describe('an origin the user allows', () => {
  it('is what the browser sends: a pasted address loses its slash, default port and capitals', () => {
    expect(normalizeOrigin('https://App.Example/')).toEqual({ ok: true, value: 'https://app.example' });
    expect(normalizeOrigin('http://localhost:3000')).toEqual({ ok: true, value: 'http://localhost:3000' });
    expect(normalizeOrigin('https://app.example:443')).toEqual({ ok: true, value: 'https://app.example' });
  });

  it('refuses a path, a login, another scheme or no address at all, saying why', () => {
    const error = (text: string): string => {
      const r = normalizeOrigin(text);
      if (r.ok) throw new Error(`${text} was taken as ${r.value}`);
      return r.error;
    };
    expect(error('https://app.example/chat?x=1')).toBe('An origin has no path: use https://app.example, without what follows.');
    expect(error('https://me:pw@app.example')).toBe('An origin has no user name or password in it.');
    expect(error('ftp://app.example')).toBe('An origin starts with http:// or https://.');
    expect(error('app.example')).toContain('is not an address');
    expect(error('  ')).toBe('Type an origin, like https://app.example.');
  });

  it('is added once, up to the limit', () => {
    expect(addOrigin([], 'https://a.example')).toEqual({ ok: true, value: ['https://a.example'] });
    expect(addOrigin(['https://a.example'], 'HTTPS://A.EXAMPLE/')).toEqual({ ok: false, error: 'https://a.example is already allowed.' });
    const full = Array.from({ length: MAX_ORIGINS }, (_, i) => `https://s${i}.example`);
    expect(addOrigin(full, 'https://one-more.example')).toEqual({
      ok: false,
      error: `At most ${MAX_ORIGINS} origins can be allowed. Remove one first.`,
    });
  });
});
