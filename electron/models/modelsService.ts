import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { DEFAULT_MODEL_SETTINGS, type FitEstimate, type LibraryModel, ModelLoadSettings } from '../../shared/models';
import type { EngineState } from '../../shared/types';
import type { InferenceHost } from '../inference/host';
import type { LoadOptions, Slot } from '../inference/protocol';
import type { EventBus } from '../lib/events';
import { logWarn } from '../lib/log';
import type { Scheduler, SwitchPolicy } from '../scheduler/scheduler';
import type { SettingsService } from '../settings/settingsService';
import { estimateFit } from './fit/estimate';
import { IdleUnloader } from './library/idleUnload';
import { readLicenceSidecar, removeLicenceSidecar, writeLicenceSidecar } from './library/licenceSidecar';
import { LoadOptionsResolver } from './library/loadOptions';
import { assertWritableFolder, isInside, pruneEmptyFolders } from './library/folders';
import { checkAdapters } from './library/adapters';
import { folderLists, isGguf, type ModelFiles, modelFilesOf, partsOnDisk, scanModelsFolder } from './library/modelFiles';
import { ModelMetaReader } from './library/modelMeta';
import { ModelsRepo } from './library/modelsRepo';
import type { LibraryRegistrar, MachineSource } from './ports';

export interface ModelsDeps {
  db: Database.Database;
  scheduler: Scheduler;
  host: InferenceHost;
  settings: SettingsService;
  events: EventBus;
  /** The GPU doctor, for fit estimates. */
  machine: MachineSource;
  /** The models folder when the settings name none. */
  defaultModelsDir: string;
  /** Threads from the command line; 0: the settings decide (and 0 there: chosen by model size). */
  threads: number;
  /** How long an idle-unload "minute" is (tests shorten it). */
  idleMinuteMs?: number;
}

/** A fit estimate at "as large as fits" uses the model's training context, else this. */
const DEFAULT_FIT_CONTEXT = 4096;

const nameOf = (path: string): string => basename(path);

/**
 * The library: GGUF files in the models folder (split files as one model) and files the user opened, with the
 * metadata the engine read, where each came from, its licence and its load settings; and which model answers.
 */
export class ModelsService implements LibraryRegistrar {
  private readonly repo: ModelsRepo;
  private readonly meta: ModelMetaReader;
  private readonly options: LoadOptionsResolver;
  private readonly idle: IdleUnloader;

  constructor(private readonly d: ModelsDeps) {
    this.repo = new ModelsRepo(d.db);
    this.meta = new ModelMetaReader(this.repo, d.scheduler);
    this.options = new LoadOptionsResolver({
      scheduler: d.scheduler,
      settings: () => d.settings.get(),
      modelSettings: (path) => this.repo.get(path)?.settings ?? DEFAULT_MODEL_SETTINGS,
      cliThreads: d.threads,
    });
    this.idle = new IdleUnloader({
      scheduler: d.scheduler,
      minutes: () => d.settings.get().idleUnloadMinutes,
      ...(d.idleMinuteMs !== undefined ? { minuteMs: d.idleMinuteMs } : {}),
    });
    // A new idle time counts from when it is set; other settings leave the wait alone.
    let idleMinutes = d.settings.get().idleUnloadMinutes;
    d.settings.onChange((s) => {
      if (s.idleUnloadMinutes === idleMinutes) return;
      idleMinutes = s.idleUnloadMinutes;
      this.idle.arm();
    });
    // The picked model loads with the first answer that needs it, not at start.
    d.scheduler.select(d.settings.get().selectedModelPath);
  }

  /** The models folder now: the one the user chose, else the default. */
  modelsDir(): string {
    return this.d.settings.get().modelsFolder ?? this.d.defaultModelsDir;
  }

  async list(): Promise<LibraryModel[]> {
    const found = new Map<string, { files: ModelFiles; source: LibraryModel['source'] }>();
    for (const files of await scanModelsFolder(this.modelsDir())) found.set(files.path, { files, source: 'folder' });
    for (const path of this.d.settings.get().addedModelPaths) {
      const files = modelFilesOf(path);
      if (!found.has(files.path)) found.set(files.path, { files, source: 'added' });
    }
    const models: LibraryModel[] = [];
    for (const { files, source } of found.values()) models.push(await this.describe(files, source));
    return models.sort((a, b) => a.fileName.localeCompare(b.fileName) || a.path.localeCompare(b.path));
  }

  /** Remembers a GGUF file outside the models folder (a file dialog, or a file dropped on the window). */
  async add(rawPath: string): Promise<LibraryModel> {
    if (!isAbsolute(rawPath)) throw new AppError('BAD_INPUT', 'Give the full path of the .gguf file.');
    const files = modelFilesOf(resolve(rawPath));
    if (!isGguf(files.path)) throw new AppError('BAD_INPUT', `${nameOf(rawPath)} is not a .gguf file.`);
    const known = await this.sourceOf(files.path);
    if (known) return this.describe(files, known);
    const disk = await partsOnDisk(files);
    if (disk.missing.length === files.parts.length) {
      throw new AppError('NOT_FOUND', `${files.path} does not exist or is not a readable file.`);
    }
    const { addedModelPaths } = this.d.settings.get();
    this.d.settings.update({ addedModelPaths: [...addedModelPaths, files.path] });
    this.changed();
    return this.describe(files, 'added');
  }

  /**
   * Deletes a model: unloaded first (answers being written finish, or are stopped, by `whileAnswering`); a file
   * in the models folder loses every part and its licence card, a file the user opened is only forgotten.
   */
  async remove(path: string, whileAnswering: SwitchPolicy = 'wait'): Promise<void> {
    const model = await this.find(path);
    if (this.d.host.loaded('chat')?.path === model.path) await this.d.scheduler.switchChat(null, whileAnswering);
    const s = this.d.settings.get();
    if (s.selectedModelPath === model.path) {
      this.d.settings.update({ selectedModelPath: null });
      this.d.scheduler.select(null);
    }
    if (model.source === 'added') {
      this.d.settings.update({ addedModelPaths: s.addedModelPaths.filter((p) => p !== model.path) });
    } else {
      for (const part of modelFilesOf(model.path).parts) await rm(part, { force: true });
      await removeLicenceSidecar(model.path);
      await pruneEmptyFolders(this.modelsDir(), dirname(model.path));
    }
    this.repo.remove(model.path);
    // An adapter that is gone would fail its model's every load: it leaves the settings that named it.
    for (const r of this.repo.all()) {
      if (r.settings?.lora.some((a) => a.path === model.path)) {
        this.repo.saveSettings(r.path, { ...r.settings, lora: r.settings.lora.filter((a) => a.path !== model.path) });
      }
    }
    this.changed();
  }

  /**
   * Changes a model's load settings (a partial update). A loaded model takes them at its next answer: it loads
   * again once the answers being written have finished.
   */
  async setSettings(path: string, patch: Partial<ModelLoadSettings>): Promise<LibraryModel> {
    const model = await this.find(path);
    if (model.meta?.kind === 'adapter')
      throw new AppError('BAD_INPUT', `${model.fileName} is a LoRA adapter: it has no load settings of its own.`);
    const parsed = ModelLoadSettings.safeParse({ ...model.settings, ...patch });
    if (!parsed.success) throw new AppError('BAD_INPUT', `Those settings are not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}.`);
    const settings = parsed.data;
    if (patch.lora) await checkAdapters(model, settings.lora, this.meta);
    this.repo.saveSettings(model.path, settings);
    this.d.scheduler.reloadAtNextJob(model.path);
    this.changed();
    return { ...model, settings };
  }

  /** Where models are kept: an absolute folder Hearth can write to (made if missing), or null for the default. */
  async setFolder(path: string | null): Promise<{ modelsDir: string }> {
    const dir = path === null ? this.d.defaultModelsDir : resolve(path);
    if (path !== null && !isAbsolute(path)) throw new AppError('BAD_INPUT', 'Give the full path of the models folder.');
    await assertWritableFolder(dir);
    this.d.settings.update({ modelsFolder: path === null ? null : dir });
    this.changed();
    return { modelsDir: this.modelsDir() };
  }

  /** How a library model fits this machine at a context size: its own setting, else the global one. */
  async fit(path: string, contextSize: number | undefined): Promise<FitEstimate> {
    const model = this.loadable(await this.find(path));
    const wanted = contextSize ?? model.settings.contextSize ?? this.d.settings.get().contextSize;
    const context = wanted > 0 ? wanted : (model.meta?.trainContextSize ?? DEFAULT_FIT_CONTEXT);
    const [inspect, machine] = await Promise.all([
      this.d.scheduler.run('inspect', { source: model.path, contextSize: context }),
      this.d.machine.report(),
    ]);
    return estimateFit(inspect, machine);
  }

  /**
   * Makes a known model the one that answers, and loads it. Answers being written either finish first
   * ('wait') or are stopped, each saying why ('stop'). A failed load is reported in the returned state.
   */
  async load(path: string, whileAnswering: SwitchPolicy = 'wait'): Promise<EngineState> {
    const model = this.loadable(await this.find(path));
    this.d.settings.update({ selectedModelPath: model.path });
    try {
      await this.d.scheduler.switchChat(model.path, whileAnswering);
    } catch {
      // the state carries the reason
    }
    return this.d.host.getState();
  }

  async unload(whileAnswering: SwitchPolicy = 'wait'): Promise<EngineState> {
    this.d.settings.update({ selectedModelPath: null });
    await this.d.scheduler.switchChat(null, whileAnswering);
    return this.d.host.getState();
  }

  /**
   * The model that will answer the next message. With none picked, the chat model already loaded (an API request
   * loaded it; the picker shows it) is picked; else, with exactly one chat model that can load, that one is: a user
   * with one model should never be asked which.
   */
  async resolveForChat(): Promise<{ name: string; path: string }> {
    const selected = this.d.settings.get().selectedModelPath;
    if (selected) {
      // The settings are the truth (another client may have picked it): the scheduler follows them.
      this.d.scheduler.select(selected);
      return { name: nameOf(selected), path: selected };
    }
    const loaded = this.d.host.loaded('chat');
    if (loaded) {
      this.d.settings.update({ selectedModelPath: loaded.path });
      this.d.scheduler.select(loaded.path);
      return { name: nameOf(loaded.path), path: loaded.path };
    }
    const models = await this.list();
    const chat = models.filter((m) => m.problem === null && (m.meta === null || m.meta.kind === 'chat'));
    const only = chat.length === 1 ? chat[0] : undefined;
    if (only) {
      this.d.settings.update({ selectedModelPath: only.path });
      this.d.scheduler.select(only.path);
      return { name: only.fileName, path: only.path };
    }
    throw new AppError(
      'NO_MODEL',
      chat.length === 0
        ? `There is no model yet. Put a .gguf file in ${this.modelsDir()}, or open one from the model picker.`
        : 'Pick a model first: choose one in the model picker at the top.',
    );
  }

  /** A verified download is in place: remember where it came from, and keep its licence card beside it. */
  registerDownload(r: Parameters<LibraryRegistrar['registerDownload']>[0]): void {
    const path = modelFilesOf(r.path).path;
    this.repo.saveDownload(path, r);
    try {
      writeLicenceSidecar(path, r.license);
    } catch (error) {
      // The verified model stays usable and its card is in the database; only the copy beside the file is missing.
      logWarn(`Could not write the licence card beside ${path}`, error);
    }
    this.changed();
  }

  /** Whether a repository file was downloaded into the models folder (or opened from elsewhere) and is still there. */
  isDownloaded(repo: string, file: string): boolean {
    const dir = this.modelsDir();
    const added = new Set(this.d.settings.get().addedModelPaths);
    return this.repo.byHubFile(repo, file).some((r) => (isInside(dir, r.path) || added.has(r.path)) && existsSync(r.path));
  }

  /** Load options for a slot: the model's own settings over the global ones; answers at once lowered where memory is short. */
  loadOptions(slot: Slot, path: string): Promise<LoadOptions> {
    return this.options.resolve(slot, path);
  }

  dispose(): void {
    this.idle.dispose();
  }

  private async describe(files: ModelFiles, found: LibraryModel['source']): Promise<LibraryModel> {
    const disk = await partsOnDisk(files);
    const record = this.repo.get(files.path);
    const { meta, problem } = await this.meta.read(files, disk);
    return {
      path: files.path,
      fileName: nameOf(files.path),
      sizeBytes: disk.size,
      source: found === 'folder' && record?.hub ? 'downloaded' : found,
      parts: files.parts.length,
      meta,
      problem,
      hub: record?.hub ?? null,
      sha256: record?.sha256 ?? null,
      license: record?.license ?? (await readLicenceSidecar(files.path)),
      settings: record?.settings ?? DEFAULT_MODEL_SETTINGS,
    };
  }

  /** A model the library lists; nothing outside it is ever loaded, changed or deleted. */
  private async find(raw: string): Promise<LibraryModel> {
    const path = isAbsolute(raw) ? resolve(raw) : null;
    const source = path ? await this.sourceOf(path) : null;
    if (!path || !source) throw new AppError('NOT_FOUND', 'That model is not in the models folder and was not opened; add it first.');
    return this.describe(modelFilesOf(path), source);
  }

  /** Where the library lists a path from, as `list()` would (the folder first), found without listing everything. */
  private async sourceOf(path: string): Promise<'folder' | 'added' | null> {
    if (await folderLists(this.modelsDir(), path)) return 'folder';
    return this.d.settings.get().addedModelPaths.includes(path) ? 'added' : null;
  }

  /** Refuses, before any load, a file the preflight refused and a file that is not a chat model. */
  private loadable(model: LibraryModel): LibraryModel {
    if (model.problem) throw new AppError('MODEL_LOAD_FAILED', model.problem);
    if (model.meta?.kind === 'adapter') {
      throw new AppError('BAD_INPUT', `${model.fileName} is a LoRA adapter: apply it to a model in that model's settings.`);
    }
    return model;
  }

  private changed(): void {
    this.d.events.emit('models:changed', {});
  }
}
