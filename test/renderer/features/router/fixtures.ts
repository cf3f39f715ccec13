import type { MessageRoute, Provider } from '../../../../shared/api';
import type { LibraryModel } from '../../../../shared/models';
import { DEFAULT_MODEL_SETTINGS } from '../../../../shared/models';

export const lib = (path: string, over: Partial<LibraryModel> = {}): LibraryModel => ({
  path,
  fileName: path.split('/').pop()!,
  sizeBytes: 1,
  source: 'folder',
  parts: 1,
  meta: null,
  problem: null,
  hub: null,
  sha256: null,
  license: null,
  settings: DEFAULT_MODEL_SETTINGS,
  ...over,
});

export const provider = (id: string, over: Partial<Provider> = {}): Provider => ({
  id,
  name: id.toUpperCase(),
  baseUrl: `http://127.0.0.1:9/${id}/v1`,
  enabled: true,
  hasKey: true,
  models: [{ id: `${id}-small`, inputPerMTok: 1, outputPerMTok: 2 }],
  createdAt: 1,
  ...over,
});

export const route = (over: Partial<MessageRoute> = {}): MessageRoute => ({
  target: 'local',
  providerId: null,
  providerName: null,
  model: 'a.gguf',
  rule: 'policy',
  reason: 'Local only for this conversation.',
  complexity: null,
  costUsd: 0,
  ...over,
});
