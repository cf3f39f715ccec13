import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_SETTINGS, type LibraryModel, type ModelMeta } from '../../../../shared/models';
import { embeddingChoices } from '../../../../renderer/features/collections/embeddingChoices';

const model = (fileName: string, kind: ModelMeta['kind'] | null, problem: string | null = null): LibraryModel => ({
  path: `/models/${fileName}`,
  fileName,
  sizeBytes: 1_000,
  source: 'folder',
  parts: 1,
  meta:
    kind === null
      ? null
      : {
          name: null,
          architecture: 'llama',
          parameters: 1e6,
          quantization: 'F16',
          trainContextSize: 512,
          layers: 4,
          hasChatTemplate: true,
          license: null,
          kind,
        },
  problem,
  hub: null,
  sha256: null,
  license: null,
  settings: DEFAULT_MODEL_SETTINGS,
});

describe('the embedding model choices', () => {
  it('lists embedding models first, then the other models that load, by name', () => {
    const choices = embeddingChoices(
      [model('zeta-chat.gguf', 'chat'), model('nomic.gguf', 'embedding'), model('alpha-chat.gguf', 'chat'), model('bge.gguf', 'embedding')],
      null,
    );
    expect(choices.map((c) => `${c.group}:${c.label}`)).toEqual([
      'embedding:bge.gguf',
      'embedding:nomic.gguf',
      'other:alpha-chat.gguf',
      'other:zeta-chat.gguf',
    ]);
  });

  it('leaves out adapters and files that cannot load, and keeps models whose header is not read yet', () => {
    const choices = embeddingChoices(
      [model('lora.gguf', 'adapter'), model('broken.gguf', 'chat', 'truncated: 10 of 20 bytes'), model('fresh.gguf', null)],
      null,
    );
    expect(choices.map((c) => c.label)).toEqual(['fresh.gguf']);
  });

  it('keeps the chosen model listed, marked, when it has left the library', () => {
    const choices = embeddingChoices([model('bge.gguf', 'embedding')], '/elsewhere/gone.gguf');
    expect(choices[0]).toEqual({ path: '/elsewhere/gone.gguf', label: 'gone.gguf (not in the library)', group: 'other' });
    expect(embeddingChoices([model('bge.gguf', 'embedding')], '/models/bge.gguf')).toHaveLength(1);
  });

  it('shows the chosen model by its name before the library has arrived', () => {
    expect(embeddingChoices(undefined, '/models/bge.gguf')).toEqual([{ path: '/models/bge.gguf', label: 'bge.gguf', group: 'other' }]);
    expect(embeddingChoices(undefined, null)).toEqual([]);
  });
});
