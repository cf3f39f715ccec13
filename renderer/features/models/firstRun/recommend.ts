import type { CatalogEntry, Download, LibraryModel, MachineReport } from '../../../../shared/models';
import type { EngineState, Settings } from '../../../../shared/types';
import { chatModels } from '../common/library';

export interface Recommendation {
  entry: CatalogEntry;
  /** Where it would run: all on the GPU, or on the CPU. */
  runsOn: 'gpu' | 'cpu';
  /** A rough generation speed from memory bandwidth over the weights' size; null when no bandwidth is known. */
  tokensPerSecond: number | null;
}

/** Memory a model takes beyond its file: the context, the compute buffers and the runtime. */
const OVERHEAD_FACTOR = 1.2;
const OVERHEAD_BYTES = 512 * 1024 * 1024;
/** Reading the weights once per token runs at about this share of the measured bandwidth. */
const BANDWIDTH_EFFICIENCY = 0.6;
/** Slower than reading pace a chat feels broken, so a model that fits but crawls is not recommended. */
const MIN_TOKENS_PER_SECOND = 5;
/**
 * Free RAM as the OS reports it leaves out the file cache it would give back, so a machine with 16 GB often says
 * 2 GB free; a model may count on half of all memory.
 */
const RAM_SHARE = 0.5;

export const memoryNeeded = (entry: Pick<CatalogEntry, 'approxSizeBytes'>): number =>
  entry.approxSizeBytes * OVERHEAD_FACTOR + OVERHEAD_BYTES;

/** Where one catalog model would run on this machine, and how fast; null when it would not fit in memory. */
export function judge(entry: CatalogEntry, m: MachineReport): Recommendation | null {
  const need = memoryNeeded(entry);
  const speed = (gbPerSecond: number | undefined): number | null =>
    gbPerSecond ? (gbPerSecond * 1e9 * BANDWIDTH_EFFICIENCY) / Math.max(1, entry.approxSizeBytes) : null;
  if (m.backend !== 'cpu' && m.vram.free >= need) return { entry, runsOn: 'gpu', tokensPerSecond: speed(m.bandwidth.gpu?.gbPerSecond) };
  if (Math.max(m.ram.free, m.ram.total * RAM_SHARE) >= need)
    return { entry, runsOn: 'cpu', tokensPerSecond: speed(m.bandwidth.cpu?.gbPerSecond) };
  return null;
}

const fastEnough = (r: Recommendation): boolean => r.tokensPerSecond === null || r.tokensPerSecond >= MIN_TOKENS_PER_SECOND;

/**
 * Two or three chat models from the catalog for a first model: those that fit this machine (judged from the catalog's
 * approximate size against free VRAM and RAM) and run at least at reading pace, the largest first since within a fit
 * a larger model answers better, one per family so the user has a real choice. On a machine too slow for that, the
 * fastest that fit make up two, each saying its speed, rather than no recommendation at all.
 */
export function recommendForMachine(catalog: readonly CatalogEntry[], machine: MachineReport, count = 3): Recommendation[] {
  const fitting = catalog
    .filter((e) => e.kind === 'chat')
    .map((e) => judge(e, machine))
    .filter((r): r is Recommendation => r !== null);
  const picked: Recommendation[] = [];
  const take = (from: Recommendation[], upTo: number): void => {
    for (const r of from) {
      if (picked.length >= upTo) break;
      if (!picked.some((p) => p.entry.family === r.entry.family)) picked.push(r);
    }
  };
  const gpuFirst = (a: Recommendation, b: Recommendation): number => (a.runsOn === b.runsOn ? 0 : a.runsOn === 'gpu' ? -1 : 1);
  take(
    fitting.filter(fastEnough).sort((a, b) => gpuFirst(a, b) || b.entry.approxSizeBytes - a.entry.approxSizeBytes),
    count,
  );
  take(
    fitting.filter((r) => !fastEnough(r)).sort((a, b) => a.entry.approxSizeBytes - b.entry.approxSizeBytes),
    Math.min(2, count),
  );
  return picked;
}

/** The smallest chat model in the catalog: what to name when nothing fits. */
export function smallestChat(catalog: readonly CatalogEntry[]): CatalogEntry | undefined {
  return catalog.filter((e) => e.kind === 'chat').sort((a, b) => a.approxSizeBytes - b.approxSizeBytes)[0];
}

export interface FirstRunInput {
  models: readonly LibraryModel[] | undefined;
  downloads: readonly Download[] | undefined;
  engine: EngineState | undefined;
  settings: Settings | undefined;
  /** The open chat has messages. */
  hasMessages: boolean;
}

/**
 * Whether the chat area greets a first run: no chat yet, no model chosen or loaded, and no model to chat with, or
 * only the ones just downloaded (so a download started here stays in view, with its Use button, when it ends).
 */
export function showFirstRun({ models, downloads, engine, settings, hasMessages }: FirstRunInput): boolean {
  if (!models || hasMessages) return false;
  if (engine?.status === 'ready' || engine?.status === 'loading' || settings?.selectedModelPath) return false;
  const chat = chatModels(models);
  if (chat.length === 0) return true;
  return chat.every((m) => (downloads ?? []).some((d) => d.status === 'done' && d.destPath === m.path));
}
