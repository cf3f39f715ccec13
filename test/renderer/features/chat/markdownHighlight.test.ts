import { describe, expect, it } from 'vitest';
import { type Highlight, reuseLines, visibleLines } from '../../../../renderer/features/chat/markdown/highlighter';
import { type CodeLines, resolveLang, tokenize } from '../../../../renderer/features/chat/markdown/tokenize';

const join = (lines: CodeLines): string => lines.map((l) => l.map((t) => t.text).join('')).join('\n');

describe('the code highlighter', () => {
  it('knows a handful of languages by their usual fence names, and nothing else', () => {
    expect(resolveLang('ts')).toBe('typescript');
    expect(resolveLang(' Python ')).toBe('python');
    expect(resolveLang('sh')).toBe('shellscript');
    expect(resolveLang('c++')).toBe('cpp');
    expect(resolveLang('brainfuck')).toBeNull();
    expect(resolveLang('constructor')).toBeNull();
    expect(resolveLang(undefined)).toBeNull();
  });

  it('colours TypeScript in both themes and gives back every character of the code', async () => {
    const code = 'interface A {\n\tb: string; // note\n}\n\nconst s = `x ${1}`;\n';
    const lines = await tokenize(code, 'typescript');
    expect(join(lines)).toBe(code);
    const keyword = lines[0]!.find((t) => t.text === 'interface')!;
    expect(keyword.light).toMatch(/^#[0-9a-f]{6}$/i);
    expect(keyword.dark).toMatch(/^#[0-9a-f]{6}$/i);
    expect(keyword.light).not.toBe(keyword.dark);
  }, 20_000);

  it('shows the complete lines of an older highlight and the rest as plain text while a block streams', () => {
    const h: Highlight = { code: 'let a;\nlet b', lang: 'typescript', lines: [[{ text: 'let a;' }], [{ text: 'let b' }]] };
    expect(visibleLines('let a;\nlet b', h)).toEqual({ lines: h.lines, rest: '' });
    expect(visibleLines('let a;\nlet bc;\n', h)).toEqual({ lines: [h.lines[0]], rest: 'let bc;\n' });
    expect(visibleLines('other', h)).toEqual({ lines: [], rest: 'other' });
    expect(visibleLines('let a;', null)).toEqual({ lines: [], rest: 'let a;' });
  });

  it('keeps the arrays of lines that did not change, so their spans are not rendered again', () => {
    const prev: Highlight = { code: 'a\nb', lang: 'typescript', lines: [[{ text: 'a', light: '#111111' }], [{ text: 'b' }]] };
    const next: CodeLines = [[{ text: 'a', light: '#111111' }], [{ text: 'bc' }], [{ text: 'd' }]];
    const merged = reuseLines(prev, next);
    expect(merged[0]).toBe(prev.lines[0]);
    expect(merged[1]).toBe(next[1]);
    expect(merged[2]).toBe(next[2]);
  });
});
