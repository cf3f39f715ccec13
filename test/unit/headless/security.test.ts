import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, cookieValue, requestUrl, withoutCspMeta } from '../../../electron/headless/security';
import { ROOT } from '../../helpers/fixtures';

/** Only the fields these helpers read; an IncomingMessage needs a socket to construct. */
const req = (url: string, cookie?: string): IncomingMessage =>
  ({ url, headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

describe('the headless security helpers', () => {
  it('read a request target that is no URL as null rather than throwing', () => {
    expect(requestUrl(req('//['))).toBeNull();
    expect(requestUrl(req('http://['))).toBeNull();
    expect(requestUrl(req('/a?token=x'))?.searchParams.get('token')).toBe('x');
  });

  it('read a cookie that does not decode as absent', () => {
    expect(cookieValue(req('/', 'hearth_token_1=%E0%A4%A'), 'hearth_token_1')).toBeNull();
    expect(cookieValue(req('/', 'a=b; hearth_token_1=x%3Dy'), 'hearth_token_1')).toBe('x=y');
  });

  it('name only the given port in connect-src', () => {
    expect(contentSecurityPolicy(4321)).toContain("connect-src 'self' ws://127.0.0.1:4321 ws://localhost:4321;");
  });

  it("take the page's own meta policy out, and nothing else", () => {
    const html = readFileSync(join(ROOT, 'renderer/index.html'), 'utf8');
    const out = withoutCspMeta(html);
    expect(html).toMatch(/Content-Security-Policy/);
    expect(out).not.toMatch(/Content-Security-Policy/);
    expect(out).toMatch(/<meta charset="UTF-8" \/>\s*<meta name="viewport"/);
  });
});
