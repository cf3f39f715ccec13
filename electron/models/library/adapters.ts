import { basename, isAbsolute, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { LibraryModel, ModelLoadSettings } from '../../../shared/models';
import { isGguf, partsOnDisk } from './modelFiles';
import type { ModelMetaReader } from './modelMeta';

const nameOf = (path: string): string => basename(path);

/** Each adapter must be a GGUF LoRA adapter the preflight accepts, for the same architecture as the model. */
export async function checkAdapters(model: LibraryModel, adapters: ModelLoadSettings['lora'], reader: ModelMetaReader): Promise<void> {
  const seen = new Set<string>();
  for (const a of adapters) {
    if (!isAbsolute(a.path)) throw new AppError('BAD_INPUT', `Give the full path of the adapter ${a.path}.`);
    const path = resolve(a.path);
    if (seen.has(path)) throw new AppError('BAD_INPUT', `The adapter ${nameOf(path)} is listed twice.`);
    seen.add(path);
    if (!isGguf(path)) throw new AppError('BAD_INPUT', `${nameOf(path)} is not a .gguf file.`);
    const files = { path, parts: [path] };
    const disk = await partsOnDisk(files);
    if (disk.missing.length > 0) throw new AppError('BAD_INPUT', `The adapter ${path} does not exist or is not a readable file.`);
    const { meta, problem } = await reader.read(files, disk);
    if (problem) throw new AppError('BAD_INPUT', problem);
    if (meta && meta.kind !== 'adapter')
      throw new AppError('BAD_INPUT', `${nameOf(path)} is not a LoRA adapter: it is a ${meta.kind} model.`);
    if (meta?.architecture && model.meta?.architecture && meta.architecture !== model.meta.architecture) {
      throw new AppError(
        'BAD_INPUT',
        `${nameOf(path)} adapts a ${meta.architecture} model, and ${model.fileName} is ${model.meta.architecture}.`,
      );
    }
  }
}
