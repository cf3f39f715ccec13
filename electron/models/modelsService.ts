import { readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { DEFAULT_MODEL_SETTINGS, type FitEstimate, type LibraryModel, type ModelLoadSettings } from '../../shared/models';
import type { EngineState } from '../../shared/types';
import type { LibraryRegistrar } from './ports';
import type { InferenceHost } from '../inference/host';
import type { LoadOptions, Slot } from '../inference/protocol';
import type { Scheduler, SwitchPolicy } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';

export interface ModelsOptions {
  modelsDir: string;
  /** Threads from the command line; 0: the settings decide (and 0 there: chosen by model size). */
  threads: number;
}

const isGguf = (name: string): boolean => extname(name).toLowerCase() === '.gguf';

/** The GGUF files Hearth knows (the models folder, plus files the user opened) and which one answers. */
export class ModelsService implements LibraryRegistrar {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly host: InferenceHost,
    private readonly settings: SettingsService,
    private readonly options: ModelsOptions,
  ) {
    // The picked model loads with the first answer that needs it, not at start.
    scheduler.select(settings.get().selectedModelPath);
  }

  async list(): Promise<LibraryModel[]> {
    const found = new Map<string, LibraryModel>();
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
  async add(rawPath: string): Promise<LibraryModel> {
    if (!isAbsolute(rawPath)) throw new AppError('BAD_INPUT', 'Give the full path of the .gguf file.');
    const path = resolve(rawPath);
    if (!isGguf(path)) throw new AppError('BAD_INPUT', `${basename(path)} is not a .gguf file.`);
    const file = await describe(path, 'added');
    if (!file) throw new AppError('NOT_FOUND', `${path} does not exist or is not a readable file.`);
    const { addedModelPaths } = this.settings.get();
    if (!addedModelPaths.includes(path)) this.settings.update({ addedModelPaths: [...addedModelPaths, path] });
    return file;
  }

  /**
   * Makes a known model the one that answers, and loads it. Answers being written either finish first
   * ('wait') or are stopped, each saying why ('stop'). A failed load is reported in the returned state.
   */
  async load(path: string, whileAnswering: SwitchPolicy = 'wait'): Promise<EngineState> {
    const known = (await this.list()).some((m) => m.path === path);
    if (!known) throw new AppError('NOT_FOUND', 'That model is not in the models folder and was not opened; add it first.');
    this.settings.update({ selectedModelPath: path });
    try {
      await this.scheduler.switchChat(path, whileAnswering);
    } catch {
      // the state carries the reason
    }
    return this.host.getState();
  }

  async unload(whileAnswering: SwitchPolicy = 'wait'): Promise<EngineState> {
    this.settings.update({ selectedModelPath: null });
    await this.scheduler.switchChat(null, whileAnswering);
    return this.host.getState();
  }

  /**
   * The model that will answer the next message. With none picked and exactly one model present, that one is
   * picked: a user with one model should never be asked which.
   */
  async resolveForChat(): Promise<{ name: string; path: string }> {
    const selected = this.settings.get().selectedModelPath;
    if (selected) {
      // The settings are the truth (another client may have picked it): the scheduler follows them.
      this.scheduler.select(selected);
      return { name: basename(selected), path: selected };
    }
    const models = await this.list();
    const only = models.length === 1 ? models[0] : undefined;
    if (only) {
      this.settings.update({ selectedModelPath: only.path });
      this.scheduler.select(only.path);
      return { name: only.fileName, path: only.path };
    }
    throw new AppError(
      'NO_MODEL',
      models.length === 0
        ? `There is no model yet. Put a .gguf file in ${this.options.modelsDir}, or open one from the model picker.`
        : 'Pick a model first: choose one in the model picker at the top.',
    );
  }

  async remove(_path: string, _whileAnswering: SwitchPolicy = 'wait'): Promise<void> {
    throw new AppError('UNSUPPORTED', 'Deleting models is not built yet.');
  }

  async setSettings(_path: string, _patch: Partial<ModelLoadSettings>): Promise<LibraryModel> {
    throw new AppError('UNSUPPORTED', 'Model settings are not built yet.');
  }

  setFolder(_path: string | null): { modelsDir: string } {
    throw new AppError('UNSUPPORTED', 'Changing the models folder is not built yet.');
  }

  /** The models folder now. */
  modelsDir(): string {
    return this.options.modelsDir;
  }

  async fit(_path: string, _contextSize: number | undefined): Promise<FitEstimate> {
    throw new AppError('UNSUPPORTED', 'Fit estimates are not built yet.');
  }

  registerDownload(_r: Parameters<LibraryRegistrar['registerDownload']>[0]): void {}

  isDownloaded(_repo: string, _file: string): boolean {
    return false;
  }

  /** Load options for a slot, from the settings; the answers at once are lowered where memory is short. */
  async loadOptions(slot: Slot, path: string): Promise<LoadOptions> {
    const s = this.settings.get();
    const threads = this.options.threads > 0 ? this.options.threads : s.threads;
    if (slot !== 'chat') return { contextSize: 0, threads };
    const sequences = await this.fittingSequences(path, s.contextSize, s.parallelAnswers);
    return { contextSize: s.contextSize, sequences, threads };
  }

  /**
   * node-llama-cpp's estimate of the context's memory at `sequences`, checked against free memory: each sequence
   * holds its own context, so a long context times many answers can outgrow the machine.
   */
  private async fittingSequences(path: string, contextSize: number, wanted: number): Promise<number> {
    let sequences = wanted;
    try {
      const status = await this.scheduler.run('status', {});
      const free = status.ram.free + status.vram.free;
      while (sequences > 1) {
        const r = await this.scheduler.run('inspect', { source: path, contextSize: contextSize || 4096, sequences });
        if (r.fit.ramBytes + r.fit.vramBytes + r.fit.contextRamBytes + r.fit.contextVramBytes <= free * 0.9) break;
        sequences -= 1;
      }
    } catch {
      // a file the preflight refuses fails its load with the reason; here, keep the wish
    }
    return sequences;
  }
}

async function describe(path: string, source: LibraryModel['source']): Promise<LibraryModel | null> {
  try {
    const s = await stat(path);
    return s.isFile()
      ? {
          path,
          fileName: basename(path),
          sizeBytes: s.size,
          source,
          parts: 1,
          meta: null,
          problem: null,
          hub: null,
          sha256: null,
          license: null,
          settings: DEFAULT_MODEL_SETTINGS,
        }
      : null;
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
