import type { Element, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import {
  citationNumber,
  rehypeCitationMarks,
  splitCitationMarks,
} from '../../../../../renderer/features/collections/citations/citationMarks';

const text = (value: string) => ({ type: 'text' as const, value });
const el = (tagName: string, children: Root['children'], className?: string[]): Element => ({
  type: 'element',
  tagName,
  properties: className ? { className } : {},
  children: children as Element['children'],
});
const run = (tree: Root): Root => {
  rehypeCitationMarks()(tree);
  return tree;
};
const numbers = (node: Root | Element): number[] =>
  node.children.flatMap((c) => (c.type !== 'element' ? [] : citationNumber(c) !== null ? [citationNumber(c)!] : numbers(c)));

describe('citation markers in an answer', () => {
  it('splits text at [n], and a marker of several numbers into one each', () => {
    expect(splitCitationMarks('Boilers [1] are serviced [2, 3]; see [4;5].')).toEqual([
      { text: 'Boilers ' },
      { n: 1 },
      { text: ' are serviced ' },
      { n: 2 },
      { n: 3 },
      { text: '; see ' },
      { n: 4 },
      { n: 5 },
      { text: '.' },
    ]);
  });

  it('leaves text without markers, [0], four-digit numbers and non-numbers alone', () => {
    expect(splitCitationMarks('a [x] b [1234] c [] d')).toEqual([{ text: 'a [x] b [1234] c [] d' }]);
    expect(splitCitationMarks('[0]')).toEqual([{ text: '[0]' }]);
  });

  it('marks [n] in paragraphs and list items, never in code, links, footnote calls or math', () => {
    const tree: Root = {
      type: 'root',
      children: [
        el('p', [text('See [1] and '), el('strong', [text('[2]')])]),
        el('ul', [el('li', [text('item [3]')])]),
        el('pre', [el('code', [text('arr[4]')])]),
        el('p', [el('code', [text('x[5]')]), el('a', [text('[6]')]), el('sup', [text('[7]')]), el('span', [text('[8]')], ['katex'])]),
      ],
    };
    expect(numbers(run(tree))).toEqual([1, 2, 3]);
    const p = tree.children[0] as Element;
    expect(p.children[0]).toEqual(text('See '));
    expect((p.children[1] as Element).tagName).toBe('cite');
    expect((p.children[1] as Element).children).toEqual([text('[1]')]);
    expect(p.children[2]).toEqual(text(' and '));
  });

  it('reads the number back only from a citation element', () => {
    expect(citationNumber(el('cite', []))).toBeNull();
    expect(citationNumber({ ...el('cite', []), properties: { dataCitation: 3 } })).toBe(3);
    expect(citationNumber({ ...el('span', []), properties: { dataCitation: 3 } })).toBeNull();
    expect(citationNumber(undefined)).toBeNull();
  });
});
