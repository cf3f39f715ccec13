import { describe, expect, it } from 'vitest';
import { groupGgufFiles, isProjector, type TreeFile, whyNotQuantization } from '../../../../electron/models/hub/ggufFiles';

const f = (path: string, sizeBytes = 10): TreeFile => ({ path, sizeBytes, sha256: path.length.toString(16).padStart(64, '0') });

describe('groupGgufFiles', () => {
  it('groups the parts of a split file in order, whatever order the tree lists them in, and sums their sizes', () => {
    const files = [
      f('Q8_0/m-Q8_0-00003-of-00003.gguf', 5),
      f('Q8_0/m-Q8_0-00001-of-00003.gguf', 7),
      f('Q8_0/m-Q8_0-00002-of-00003.gguf', 6),
    ];
    expect(groupGgufFiles(files)).toEqual([
      { path: 'Q8_0/m-Q8_0-00001-of-00003.gguf', parts: [files[1], files[2], files[0]], sizeBytes: 18 },
    ]);
  });

  it('leaves out projectors, non-GGUF files, and split files with a part missing or miscounted', () => {
    const groups = groupGgufFiles([
      f('README.md'),
      f('model.safetensors'),
      f('mmproj-model-f16.gguf'),
      f('Qwen2-VL-7B-Instruct-mmproj-f16.gguf'),
      f('m-Q4_K_M.gguf', 3),
      f('m-F16-00001-of-00002.gguf'),
      f('m-BF16-00001-of-00002.gguf'),
      f('m-BF16-00002-of-00003.gguf'),
    ]);
    expect(groups.map((g) => g.path)).toEqual(['m-Q4_K_M.gguf']);
  });

  it('lists quantizations smallest first', () => {
    expect(groupGgufFiles([f('b-Q8_0.gguf', 9), f('a-Q2_K.gguf', 3), f('c-Q4_0.GGUF', 5)]).map((g) => g.path)).toEqual([
      'a-Q2_K.gguf',
      'c-Q4_0.GGUF',
      'b-Q8_0.gguf',
    ]);
  });
});

describe('isProjector', () => {
  it('knows a vision projector by its mmproj name, and not a model whose name merely contains the letters', () => {
    expect(isProjector('mmproj-gemma-3-4b-it-f16.gguf')).toBe(true);
    expect(isProjector('vision/model.mmproj-Q8_0.gguf')).toBe(true);
    expect(isProjector('summproject-7B-Q4_K_M.gguf')).toBe(false);
  });
});

describe('whyNotQuantization', () => {
  const files = [
    f('m-Q4_K_M.gguf'),
    f('mmproj-f16.gguf'),
    f('s-00001-of-00002.gguf'),
    f('s-00002-of-00002.gguf'),
    f('t-00001-of-00002.gguf'),
    f('notes.txt'),
  ];
  const groups = groupGgufFiles(files);

  it('accepts a whole file and the first part of a complete split file', () => {
    expect(whyNotQuantization('m-Q4_K_M.gguf', files, groups)).toBeNull();
    expect(whyNotQuantization('s-00001-of-00002.gguf', files, groups)).toBeNull();
  });

  it('says why anything else is refused', () => {
    expect(whyNotQuantization('notes.txt', files, groups)).toContain('not a GGUF');
    expect(whyNotQuantization('mmproj-f16.gguf', files, groups)).toContain('projector');
    expect(whyNotQuantization('x.gguf', files, groups)).toContain('not in the repository');
    expect(whyNotQuantization('s-00002-of-00002.gguf', files, groups)).toContain('first part');
    expect(whyNotQuantization('t-00001-of-00002.gguf', files, groups)).toContain('part missing');
  });
});
