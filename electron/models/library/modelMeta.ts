import { AppError } from '../../../shared/errors';
import type { ModelMeta } from '../../../shared/models';
import type { InspectResult } from '../../inference/protocol';
import type { Scheduler } from '../../scheduler/scheduler';
import type { ModelFiles, PartsOnDisk } from './modelFiles';
import type { CachedMeta, ModelsRepo } from './modelsRepo';

/** llama.cpp's encoder-only families: they embed text and cannot chat. */
const EMBEDDING_ARCHITECTURES = new Set([
  'bert',
  'nomic-bert',
  'nomic-bert-moe',
  'jina-bert-v2',
  'jina-bert-v3',
  't5encoder',
  'modern-bert',
  'neo-bert',
]);

/**
 * What kind of model the header describes. A LoRA adapter says `general.type = "adapter"`; an adapter written
 * before that key existed is told by the absence of `<arch>.context_length`: llama.cpp refuses to load a model
 * without it, and its LoRA converter never writes it. A file without a chat template is still a chat model
 * unless its architecture embeds (or it ranks): base models have no template, and node-llama-cpp chats with them.
 */
export function modelKind(r: InspectResult): ModelMeta['kind'] {
  if (r.type === 'adapter') return 'adapter';
  if (r.trainContextSize === null && !r.hasChatTemplate) return 'adapter';
  if ((r.architecture !== null && EMBEDDING_ARCHITECTURES.has(r.architecture)) || r.supportsRanking) return 'embedding';
  return 'chat';
}

export function toModelMeta(r: InspectResult): ModelMeta {
  return {
    name: r.name,
    architecture: r.architecture,
    parameters: r.parameters,
    quantization: r.fileType,
    trainContextSize: r.trainContextSize,
    layers: r.layers,
    hasChatTemplate: r.hasChatTemplate,
    license: r.license,
    kind: modelKind(r),
  };
}

/** The preflight (or the GGUF reader) refused the file: that verdict holds until the file changes. */
const isVerdict = (e: unknown): e is AppError => e instanceof AppError && (e.code === 'MODEL_LOAD_FAILED' || e.code === 'BAD_INPUT');

/**
 * A model's metadata from the engine's inspect job (only the inference process reads GGUF), cached in the
 * `models` table by the files' size and modification time, so a second listing runs no job and a changed file is
 * read again. A file the preflight refuses is cached with the reason. Reads of the same file at once share one job.
 */
export class ModelMetaReader {
  private readonly inFlight = new Map<string, Promise<CachedMeta>>();

  constructor(
    private readonly repo: ModelsRepo,
    private readonly scheduler: Scheduler,
  ) {}

  /** The cached verdict if it is still about these files, else null (nothing is read). */
  cached(files: ModelFiles, disk: PartsOnDisk): CachedMeta | null {
    const c = this.repo.get(files.path)?.meta;
    return c && c.size === disk.size && c.mtimeMs === disk.mtimeMs && (c.meta !== null || c.problem !== null) ? c : null;
  }

  async read(files: ModelFiles, disk: PartsOnDisk): Promise<{ meta: ModelMeta | null; problem: string | null }> {
    if (disk.missing.length > 0) return { meta: null, problem: missingProblem(files, disk) };
    const hit = this.cached(files, disk);
    if (hit) return hit;
    const key = `${files.path}\0${disk.size}\0${disk.mtimeMs}`;
    let job = this.inFlight.get(key);
    if (!job) {
      job = this.inspect(files, disk).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, job);
    }
    return job;
  }

  private async inspect(files: ModelFiles, disk: PartsOnDisk): Promise<CachedMeta> {
    try {
      const r = await this.scheduler.run('inspect', { source: files.path });
      const fresh: CachedMeta = { meta: toModelMeta(r), problem: null, size: disk.size, mtimeMs: disk.mtimeMs };
      this.repo.saveMeta(files.path, fresh);
      return fresh;
    } catch (error) {
      if (isVerdict(error)) {
        const refused: CachedMeta = { meta: null, problem: error.message, size: disk.size, mtimeMs: disk.mtimeMs };
        this.repo.saveMeta(files.path, refused);
        return refused;
      }
      // The engine itself failed (it crashed, or is shutting down): nothing is known about the file, so nothing is
      // kept and the next listing asks again; a load still runs the preflight and says what is wrong, if anything.
      return { meta: null, problem: null, size: disk.size, mtimeMs: disk.mtimeMs };
    }
  }
}

function missingProblem(files: ModelFiles, disk: PartsOnDisk): string {
  const name = (p: string): string => p.split(/[\\/]/).pop() ?? p;
  if (files.parts.length === 1) return `${name(files.path)} is not there any more.`;
  const which = disk.missing.map((p) => `${files.parts.indexOf(p) + 1} (${name(p)})`).join(', ');
  return `This model is split into ${files.parts.length} files and ${disk.missing.length === 1 ? 'part' : 'parts'} ${which} ${disk.missing.length === 1 ? 'is' : 'are'} missing.`;
}
