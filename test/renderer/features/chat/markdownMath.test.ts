import { describe, expect, it } from 'vitest';
import { normalizeMath } from '../../../../renderer/features/chat/markdown/mathDelimiters';

describe('normalizeMath', () => {
  it('rewrites inline \\(...\\) to $...$', () => {
    expect(normalizeMath('Euler: \\(e^{i\\pi} + 1 = 0\\), neat.')).toBe('Euler: $e^{i\\pi} + 1 = 0$, neat.');
  });

  it('rewrites \\[...\\] alone on its lines to a $$ block on lines of its own', () => {
    expect(normalizeMath('Energy:\n\\[\nE = mc^2\n\\]\nDone.')).toBe('Energy:\n$$\nE = mc^2\n$$\nDone.');
    expect(normalizeMath('\\[ a^2 + b^2 = c^2 \\]')).toBe('$$\na^2 + b^2 = c^2\n$$');
  });

  it('keeps the indentation of display math inside a list item', () => {
    expect(normalizeMath('1. Square it:\n\n   \\[\n   x^2\n   \\]')).toBe('1. Square it:\n\n   $$\n   x^2\n   $$');
  });

  it('rewrites \\[...\\] in the middle of a line to $$...$$ in the line', () => {
    expect(normalizeMath('so \\[x=1\\] holds')).toBe('so $$x=1$$ holds');
  });

  it('leaves inline code alone, whatever its backtick count', () => {
    const text = 'Use `\\(x\\)` or ``a ` \\[b\\]`` but \\(y\\)';
    expect(normalizeMath(text)).toBe('Use `\\(x\\)` or ``a ` \\[b\\]`` but $y$');
  });

  it('leaves fenced code alone, backticks and tildes, closed or still open', () => {
    const fenced = '```latex\n\\[ x \\]\n```\nthen \\(z\\)';
    expect(normalizeMath(fenced)).toBe('```latex\n\\[ x \\]\n```\nthen $z$');
    expect(normalizeMath('~~~\n\\(a\\)\n~~~\n\\(b\\)')).toBe('~~~\n\\(a\\)\n~~~\n$b$');
    expect(normalizeMath('```\n\\(still code\\)\n')).toBe('```\n\\(still code\\)\n');
    expect(normalizeMath('  ```py\n  s = "\\(x\\)"\n  ```')).toBe('  ```py\n  s = "\\(x\\)"\n  ```');
  });

  it('treats an escaped backslash as a backslash, not as the start of math', () => {
    expect(normalizeMath('a path: C:\\\\[dir] and \\\\(x)')).toBe('a path: C:\\\\[dir] and \\\\(x)');
    expect(normalizeMath('\\`\\(x\\)\\`')).toBe('\\`$x$\\`');
  });

  it('does not end math at an escaped bracket or a LaTeX line break', () => {
    expect(normalizeMath('\\(\\{a\\} \\\\ b\\)')).toBe('$\\{a\\} \\\\ b$');
  });

  it('leaves an unclosed opener as it is (still streaming, or never math)', () => {
    expect(normalizeMath('\\(x^2 + ')).toBe('\\(x^2 + ');
    expect(normalizeMath('\\(a\n\nb\\)')).toBe('\\(a\n\nb\\)');
  });

  it('returns math in dollar forms untouched', () => {
    const text = 'Plain $x$ and $$y$$ and `code` and $a_1 + b$, then\n$$\n\\frac{1}{2}\n$$';
    expect(normalizeMath(text)).toBe(text);
  });

  it('escapes a lone dollar that cannot be math, so prices stay prices', () => {
    expect(normalizeMath('It costs $5 and $10 today.')).toBe('It costs \\$5 and \\$10 today.');
    expect(normalizeMath('$ 5 $')).toBe('\\$ 5 \\$');
    expect(normalizeMath('between $x$5')).toBe('between \\$x\\$5');
    expect(normalizeMath('`$HOME` and $PATH')).toBe('`$HOME` and \\$PATH');
    expect(normalizeMath('```sh\necho $HOME\n```')).toBe('```sh\necho $HOME\n```');
    expect(normalizeMath('\\$5 already escaped')).toBe('\\$5 already escaped');
    expect(normalizeMath('$x\n\ny$')).toBe('\\$x\n\ny\\$');
  });
});
