import { describe, expect, it } from 'vitest';
import { safeHref } from '../../../../renderer/features/chat/markdown/safeUrl';

describe('safeHref', () => {
  it('allows absolute http and https addresses, normalised', () => {
    expect(safeHref('https://example.com/a b')).toBe('https://example.com/a%20b');
    expect(safeHref(' HTTP://Example.com ')).toBe('http://example.com/');
  });

  it('refuses every other scheme and relative addresses', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'mailto:a@b.c',
      '//evil.example/x',
      '/relative',
      'relative/path',
      '#fragment',
      'http:/one-slash',
      '',
      undefined,
      null,
    ]) {
      expect(safeHref(url), String(url)).toBeNull();
    }
  });
});
