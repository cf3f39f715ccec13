import { describe, expect, it } from 'vitest';
import { splitMarks } from '../../../../renderer/features/conversations/highlight';

const S = '\uE000';
const E = '\uE001';

describe('splitMarks', () => {
  it('splits a snippet into plain and marked text on the private-use marks', () => {
    expect(splitMarks(`…dry ${S}oak${E} burns ${S}hot${E}`)).toEqual([
      { text: '…dry ', match: false },
      { text: 'oak', match: true },
      { text: ' burns ', match: false },
      { text: 'hot', match: true },
    ]);
    expect(splitMarks('no marks')).toEqual([{ text: 'no marks', match: false }]);
    expect(splitMarks('')).toEqual([]);
  });

  it('keeps markup in a message as text, and survives marks that do not pair up', () => {
    expect(splitMarks(`<img src=x onerror=alert(1)> ${S}script${E}`)).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'script', match: true },
    ]);
    expect(splitMarks(`a${S}b`)).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: true },
    ]);
    expect(splitMarks(`a${E}b${S}c${E}d${E}e`)).toEqual([
      { text: 'ab', match: false },
      { text: 'c', match: true },
      { text: 'de', match: false },
    ]);
  });
});
