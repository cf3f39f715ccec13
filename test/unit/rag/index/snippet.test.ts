import { describe, expect, it } from 'vitest';
import { makeSnippet } from '../../../../electron/rag/index/snippet';

const long = (n: number, word: string): string => Array.from({ length: n }, () => word).join(' ');

describe('makeSnippet', () => {
  it('gives a short passage whole, with its whitespace folded', () => {
    expect(makeSnippet('  Open the\n\n damper.  ', ['damper'])).toBe('Open the damper.');
  });

  it('shows the window around the first query word, cut at word boundaries, with ellipses where text was cut', () => {
    const text = `${long(100, 'alpha')} The damper is here. ${long(100, 'omega')}`;
    const s = makeSnippet(text, ['damper'], 120);
    expect(s).toMatch(/^…(alpha )+The damper is here\.( omega)+…$/);
    expect(s.length).toBeLessThanOrEqual(122);
  });

  it('finds the word whatever its case and accents, and only at the start of a word', () => {
    const text = `${long(60, 'x')} undamped ${long(60, 'y')} Café DAMPER ${long(60, 'z')}`;
    expect(makeSnippet(text, ['cafe'], 60)).toContain('Café DAMPER');
    expect(makeSnippet(text, ['damp'], 60)).toContain('DAMPER');
  });

  it('starts at the beginning when no query word is in the passage', () => {
    const text = `First words here. ${long(100, 'filler')}`;
    expect(makeSnippet(text, ['absent'], 50)).toMatch(/^First words here\. (filler ?)+…$/);
  });
});
