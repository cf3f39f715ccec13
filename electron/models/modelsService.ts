import { readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type { EngineState, LoadedModel, ModelFile } from '../../shared/types';
import type { InferenceHost } from '../inference/host';
import type { SettingsService } from '../settings/settingsService';

export interface ModelsOptions {
  modelsDir: string;
  /** Threads for generation; 0 leaves the choice to node-llama-cpp. */
  threads: number;
}

const isGguf = (name: string): boolean => extname(name).toLowerCase() === '.gguf';

/** The GGUF files Hearth knows (the models folder, plus files the user opened) and which one is loaded. */
export class ModelsService {
  constructor(
    private readonly host: InferenceHost,
    private readonly settings: SettingsService,
    private readonly options: ModelsOptions,
  ) {}

  async list(): Promise<ModelFile[]> {
    const found = new Map<string, ModelFile>();
    for (const path of await scan(this.options.modelsDir, 2)) {
      const file = await describe(path, 'folder');
      if (file) found.set(path, file);
    }
    for (const path of this.settings.get().addedModelPaths) {
      if (found.has(path)) continue;
      const file = await describe(path, 'added');
      if (file) found.set(path, file);
    }
    return [...found.values()].sort((a, b) => a.fileName.localeCompare(b.fileName));
  }

  /** Remembers a GGUF file outside the models folder. */
  async add(rawPath: string): Promise<ModelFile> {
    if (!isAbsolute(rawPath)) throw new AppError('BAD_INPUT', 'Give the full path of the .gguf file.');
    const path = resolve(rawPath);
    if (!isGguf(path)) throw new AppError('BAD_INPUT', `${basename(path)} is not a .gguf file.`);
    const file = await describe(path, 'added');
    if (!file) throw new AppError('NOT_FOUND', `${path} does not exist or is not a readable file.`);
    const { addedModelPaths } = this.settings.get();
    if (!addedModelPaths.includes(path)) this.settings.update({ addedModelPaths: [...addedModelPaths, path] });
    return file;
  }

  /** Loads a known model and makes it the selected one. A failed load is reported in the returned state. */
  async load(path: string): Promise<EngineState> {
    const known = (await this.list()).some((m) => m.path === path);
    if (!known) throw new AppError('NOT_FOUND', 'That model is not in the models folder and was not opened; add it first.');
    this.settings.update({ selectedModelPath: path });
    try {
      await this.loadSelected(path);
    } catch {
      // the state carries the reason
    }
    return this.host.getState();
  }

  async unload(): Promise<EngineState> {
    this.settings.update({ selectedModelPath: null });
    await this.host.unload();
    return this.host.getState();
  }

  /** The loaded model, loading the selected one first if needed (after a crash, or on first use). */
  async ensureLoaded(): Promise<LoadedModel> {
    const state = this.host.getState();
    const selected = this.settings.get().selectedModelPath;
    if (state.status === 'ready' && (selected === null || state.model.path === selected)) return state.model;
    if (!selected) throw new AppError('NO_MODEL', 'Pick a model first.');
    return this.loadSelected(selected);
  }

  private loadSelected(path: string): Promise<LoadedModel> {
    return this.host.load(path, { contextSize: this.settings.get().contextSize, threads: this.options.threads });
  }
}

async function describe(path: string, source: ModelFile['source']): Promise<ModelFile | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? { path, fileName: basename(path), sizeBytes: s.size, source } : null;
  } catch {
    return null;
  }
}

async function scan(dir: string, depth: number): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isFile() && isGguf(e.name)) out.push(full);
    else if (e.isDirectory() && depth > 1 && !e.name.startsWith('.')) out.push(...(await scan(full, depth - 1)));
  }
  return out;
}
