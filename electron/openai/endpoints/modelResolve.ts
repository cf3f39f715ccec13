import { apiModelId } from '../../../shared/api';
import type { LibraryModel } from '../../../shared/models';
import type { EndpointDeps } from '../types';
import { ApiError } from './errors';

/** A library model as the API names it. */
export interface ApiModel {
  /** What people type: the file name without `.gguf` (and without a split file's `-00001-of-00003`). */
  id: string;
  path: string;
  fileName: string;
  kind: 'chat' | 'embedding' | null;
}

/** The installed models an API request may name: the library's, less the files that cannot load and the adapters. */
export async function apiModels(deps: Pick<EndpointDeps, 'models'>): Promise<ApiModel[]> {
  const list: LibraryModel[] = await deps.models.list();
  return list
    .filter((m) => m.problem === null && m.meta?.kind !== 'adapter')
    .map((m) => ({
      id: apiModelId(m.fileName),
      path: m.path,
      fileName: m.fileName,
      kind: m.meta?.kind === 'chat' || m.meta?.kind === 'embedding' ? m.meta.kind : null,
    }));
}

/** Finds a model by its id, its file name or its full path (ids and file names in any case). */
export function findModel(models: readonly ApiModel[], name: string): ApiModel | undefined {
  const lower = name.toLowerCase();
  return (
    models.find((m) => m.path === name) ??
    models.find((m) => m.id === name || m.fileName === name) ??
    models.find((m) => m.id.toLowerCase() === lower || m.fileName.toLowerCase() === lower)
  );
}

function notInstalled(name: string, models: readonly ApiModel[]): ApiError {
  const list = models.map((m) => m.id).join(', ');
  return new ApiError(
    404,
    models.length > 0
      ? `The model "${name}" is not installed. Installed: ${list}.`
      : `The model "${name}" is not installed, and no model is: put a .gguf file in Hearth's models folder.`,
    'invalid_request_error',
    'model',
    'model_not_found',
  );
}

/**
 * The chat model a request runs on. Named: that model (loaded by the scheduler, under its switch policy, if
 * another is loaded). Not named: the one loaded now, else the one picked in Hearth, else a 400.
 */
export async function resolveChatModel(deps: EndpointDeps, name: string | null | undefined): Promise<{ id: string; path: string }> {
  const models = await apiModels(deps);
  if (name) {
    const m = findModel(models, name);
    if (!m) throw notInstalled(name, models);
    if (m.kind === 'embedding') {
      throw new ApiError(
        400,
        `${m.id} is an embedding model: it cannot write text. Use /v1/embeddings with it.`,
        'invalid_request_error',
        'model',
      );
    }
    return { id: m.id, path: m.path };
  }
  const current = deps.host.loaded('chat')?.path ?? deps.scheduler.chatModel ?? deps.settings.get().selectedModelPath;
  if (current) {
    const m = models.find((x) => x.path === current);
    return { id: m?.id ?? apiModelId(current), path: current };
  }
  throw new ApiError(
    400,
    models.length > 0
      ? `No model is loaded or picked in Hearth: name one in "model" (installed: ${models.map((m) => m.id).join(', ')}).`
      : 'No model is installed: put a .gguf file in Hearth\'s models folder, then name it in "model".',
    'invalid_request_error',
    'model',
  );
}

/** The model an embeddings request runs on: the named one, else the one Hearth indexes documents with. */
export async function resolveEmbeddingModel(deps: EndpointDeps, name: string | null | undefined): Promise<{ id: string; path: string }> {
  const models = await apiModels(deps);
  if (name) {
    const m = findModel(models, name);
    if (!m) throw notInstalled(name, models);
    return { id: m.id, path: m.path };
  }
  const current = deps.settings.get().embeddingModelPath;
  const m = current ? models.find((x) => x.path === current) : undefined;
  if (m) return { id: m.id, path: m.path };
  throw new ApiError(400, 'Name the model to embed with in "model" (GET /v1/models lists them).', 'invalid_request_error', 'model');
}
