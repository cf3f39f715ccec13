import { describe, expect, it } from 'vitest';
import { type Blocks, splitBlocks } from '../../../../renderer/features/chat/markdown/blocks';

const split = (text: string) => {
  const b = splitBlocks(text);
  return [...b.done, b.live];
};

/** Streams `text` in chunks of `size` characters, checking that finished blocks never change. */
function stream(text: string, size: number): Blocks {
  let b = splitBlocks('');
  for (let i = size; i < text.length + size; i += size) {
    const next = splitBlocks(text.slice(0, i), b);
    expect(next.done.slice(0, b.done.length)).toEqual(b.done);
    b = next;
  }
  return b;
}

const DOC = [
  '# Title',
  '',
  'A paragraph with `code` and $x^2$.',
  '',
  '- one',
  '- two',
  '',
  '- three, after a blank line',
  '',
  '    indented code',
  '',
  '    more indented code',
  '',
  '1. first',
  '',
  '   ```ts',
  '   const a = 1;',
  '',
  '   const b = 2;',
  '   ```',
  '',
  '2. second',
  '',
  '```python',
  'def f():',
  '',
  '    return 1',
  '```',
  '',
  '$$',
  'a',
  '',
  'b',
  '$$',
  '',
  '\\[',
  'c',
  '',
  '\\]',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  'The end.',
].join('\n');

describe('splitBlocks', () => {
  it('cuts at blank lines outside fences and display math', () => {
    expect(split('one\n\ntwo\n\n\nthree')).toEqual(['one\n', 'two\n', 'three']);
    expect(split('```\na\n\nb\n```\n\nafter')).toEqual(['```\na\n\nb\n```\n', 'after']);
    expect(split('$$\na\n\nb\n$$\n\nafter')).toEqual(['$$\na\n\nb\n$$\n', 'after']);
  });

  it('keeps an open fence in the live block however many blank lines follow', () => {
    const b = splitBlocks('intro\n\n```js\nlet a;\n\n\nlet b;\n');
    expect(b.done).toEqual(['intro\n']);
    expect(b.live).toBe('```js\nlet a;\n\n\nlet b;\n');
  });

  it('keeps a list together across blank lines between its items, and indented continuations', () => {
    expect(split('- a\n\n- b\n\n  more of b\n\nafter')).toEqual(['- a\n\n- b\n\n  more of b\n', 'after']);
    expect(split('1. a\n\n2. b\n\nafter')).toEqual(['1. a\n\n2. b\n', 'after']);
  });

  it('waits to cut until the next line shows whether it continues the block', () => {
    expect(splitBlocks('para\n\n').done).toEqual([]);
    expect(splitBlocks('para\n\n  ').done).toEqual([]);
    expect(splitBlocks('para\n\nn').done).toEqual(['para\n']);
    expect(splitBlocks('- a\n\n1').done).toEqual([]);
    expect(splitBlocks('- a\n\n1.').done).toEqual([]);
    expect(splitBlocks('- a\n\n1. b').done).toEqual([]);
    expect(splitBlocks('- a\n\n12x').done).toEqual(['- a\n']);
  });

  it('gives the same blocks streamed in any chunk size as cut at once, and never changes a finished one', () => {
    const once = splitBlocks(DOC);
    expect(once.done.length).toBeGreaterThan(6);
    expect(once.done).toContain('```python\ndef f():\n\n    return 1\n```\n');
    expect(once.done).toContain('$$\na\n\nb\n$$\n');
    expect(once.done).toContain('\\[\nc\n\n\\]\n');
    expect(once.live).toBe('The end.');
    for (const size of [1, 2, 3, 7, 50]) {
      const streamed = stream(DOC, size);
      expect(streamed.done).toEqual(once.done);
      expect(streamed.live).toBe(once.live);
    }
  });

  it('keeps the same array and strings when a delta finishes no block', () => {
    const a = splitBlocks('one\n\ntwo');
    const b = splitBlocks('one\n\ntwo more', a);
    expect(b.done).toBe(a.done);
    expect(b.live).toBe('two more');
  });

  it('starts again when the text is not an extension of the previous one', () => {
    const a = splitBlocks('one\n\ntwo\n\nthree');
    const b = splitBlocks('uno\n\ndos', a);
    expect([...b.done, b.live]).toEqual(['uno\n', 'dos']);
  });
});
