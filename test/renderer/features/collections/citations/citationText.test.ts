import { describe, expect, it } from 'vitest';
import {
  citationLabel,
  citationPlace,
  shortSnippet,
  splitAtHighlight,
} from '../../../../../renderer/features/collections/citations/citationText';
import { citation } from '../fixtures';

describe('how a citation is said', () => {
  it('names the file and, for paged documents, the page', () => {
    expect(citationPlace(citation())).toBe('report.pdf, page 3');
    expect(citationPlace(citation({ fileName: 'notes.md', page: null }))).toBe('notes.md');
    expect(citationLabel(citation({ n: 2 }))).toBe('Source 2: report.pdf, page 3');
  });

  it('cuts a long snippet at a word with an ellipsis, and flattens its whitespace', () => {
    expect(shortSnippet('one\n\n two   three')).toBe('one two three');
    const long = 'word '.repeat(100);
    const cut = shortSnippet(long, 50);
    expect(cut.length).toBeLessThanOrEqual(51);
    expect(cut).toMatch(/word…$/);
    expect(shortSnippet('x'.repeat(80), 50)).toBe(`${'x'.repeat(50)}…`);
  });

  it('splits the viewed text at the passage, clamped to the text', () => {
    expect(splitAtHighlight('abcdef', 2, 4)).toEqual({ before: 'ab', passage: 'cd', after: 'ef' });
    expect(splitAtHighlight('abc', -5, 99)).toEqual({ before: '', passage: 'abc', after: '' });
    expect(splitAtHighlight('abc', 2, 1)).toEqual({ before: 'ab', passage: '', after: 'c' });
  });
});
