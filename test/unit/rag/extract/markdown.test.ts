import { describe, expect, it } from 'vitest';
import { extractMarkdown } from '../../../../electron/rag/extract/markdown';

const titles = (text: string): [number, string, number][] => extractMarkdown(text).headings.map((h) => [h.level, h.title, h.start]);

describe('extractMarkdown', () => {
  it('keeps the text as written, so offsets point into the file', () => {
    const text = '# Title\n\nBody with **bold**.\n';
    expect(extractMarkdown(text)).toEqual({ text, pages: null, headings: [{ level: 1, title: 'Title', start: 0 }] });
  });

  it('reads # headings of each level at the start of their line, without a closing run of #', () => {
    const text = '# One\ntext\n## Two ##\n###### Six\n####### seven is not a heading\n#NoSpace\n';
    expect(titles(text)).toEqual([
      [1, 'One', 0],
      [2, 'Two', 11],
      [6, 'Six', 21],
    ]);
  });

  it('keeps a # that is part of the title', () => {
    expect(titles('# C# and F#\n## Issue #42\n')).toEqual([
      [1, 'C# and F#', 0],
      [2, 'Issue #42', 12],
    ]);
  });

  it('reads underlined (setext) headings', () => {
    const text = 'Intro\n=====\n\nbody\n\nDetails\n-------\n';
    expect(titles(text)).toEqual([
      [1, 'Intro', 0],
      [2, 'Details', 19],
    ]);
  });

  it('does not read a rule under a list item or a long paragraph as a heading', () => {
    expect(titles('- item\n---\n\nline one\nline two\n---\n')).toEqual([]);
  });

  it('ignores # lines inside fenced code and YAML front matter', () => {
    const text = '---\ntitle: x\n---\n```sh\n# a comment\n```\n~~~~\n# also code\n```\n# still code\n~~~~\n# Real\n';
    expect(titles(text)).toEqual([[1, 'Real', text.indexOf('# Real')]]);
  });

  it('reads a heading line of a hundred thousand characters in one pass', () => {
    // A pattern that backtracks would take minutes on this: "# " then "# # # ..." then a letter.
    const line = `# ${'# '.repeat(50_000)}x`;
    const result = extractMarkdown(`${line}\n${'y'.repeat(100_000)}\n`);
    expect(result.headings).toHaveLength(1);
    expect(result.headings[0]!.title.length).toBe(200);
    expect(result.text.length).toBe(line.length + 100_002);
  });
});
