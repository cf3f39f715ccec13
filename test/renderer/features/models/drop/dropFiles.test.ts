import { describe, expect, it } from 'vitest';
import { carriesFiles, isGgufName, planDrop } from '../../../../../renderer/features/models/drop/dropFiles';

describe('a drop of files on the window', () => {
  it('takes the .gguf files, in any case, and names the others it leaves out', () => {
    expect(planDrop([{ name: 'a.gguf' }, { name: 'notes.txt' }, { name: 'B.GGUF' }])).toEqual({ gguf: [0, 2], others: ['notes.txt'] });
    expect(isGgufName('model.gguf.part')).toBe(false);
  });

  it('answers only drags that carry files, so text dragged inside the page is left alone', () => {
    expect(carriesFiles(['Files'])).toBe(true);
    expect(carriesFiles(['text/plain'])).toBe(false);
    expect(carriesFiles(undefined)).toBe(false);
  });
});
