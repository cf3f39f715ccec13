import { describe, expect, it } from 'vitest';
import { type ApiModel, findModel } from '../../../../electron/openai/endpoints/modelResolve';
import { apiModelId as modelId } from '../../../../shared/api';

const models: ApiModel[] = [
  { id: 'Qwen2.5-0.5B-q4', path: '/m/Qwen2.5-0.5B-q4.gguf', fileName: 'Qwen2.5-0.5B-q4.gguf', kind: 'chat' },
  { id: 'big', path: '/m/big-00001-of-00003.gguf', fileName: 'big-00001-of-00003.gguf', kind: 'chat' },
];

describe('model ids', () => {
  it('are the file name without .gguf, and without a split file part suffix', () => {
    expect(modelId('tiny.gguf')).toBe('tiny');
    expect(modelId('Model.Q4_K_M.GGUF')).toBe('Model.Q4_K_M');
    expect(modelId('big-00001-of-00003.gguf')).toBe('big');
  });

  it('find a model by id, file name or path, ids and file names in any case', () => {
    expect(findModel(models, 'Qwen2.5-0.5B-q4')?.path).toBe('/m/Qwen2.5-0.5B-q4.gguf');
    expect(findModel(models, 'qwen2.5-0.5b-q4')?.path).toBe('/m/Qwen2.5-0.5B-q4.gguf');
    expect(findModel(models, 'Qwen2.5-0.5B-q4.gguf')?.path).toBe('/m/Qwen2.5-0.5B-q4.gguf');
    expect(findModel(models, '/m/big-00001-of-00003.gguf')?.id).toBe('big');
    expect(findModel(models, 'big')?.id).toBe('big');
    expect(findModel(models, 'gpt-4o')).toBeUndefined();
  });
});
