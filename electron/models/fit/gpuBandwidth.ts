import { z } from 'zod';
import data from './gpuBandwidth.json';

const Table = z.object({
  sources: z.record(z.string(), z.string()),
  gpus: z.array(z.object({ match: z.string(), gbPerSecond: z.number().positive(), vendor: z.string(), note: z.string().optional() })),
});
const table = Table.parse(data);

const words = (s: string): string[] =>
  s
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
const LAPTOP = new Set(['LAPTOP', 'MOBILE']);

const entries = table.gpus.map((g) => ({ ...g, words: words(g.match) }));

function containsRun(name: string[], run: string[]): boolean {
  for (let i = 0; i + run.length <= name.length; i++) if (run.every((w, j) => name[i + j] === w)) return true;
  return false;
}

export interface KnownBandwidth {
  gbPerSecond: number;
  /** Where the number comes from, for a person: "NVIDIA GeForce RTX 4090: 1008 GB/s (NVIDIA's published specification)". */
  source: string;
}

/**
 * The memory bandwidth of a GPU from its llama.cpp device name, from Hearth's table of known GPUs
 * (gpuBandwidth.json), or null for a GPU the table does not know. node-llama-cpp reports no bandwidth.
 */
export function gpuBandwidth(deviceName: string): KnownBandwidth | null {
  const name = words(deviceName);
  const laptop = name.some((w) => LAPTOP.has(w));
  let best: (typeof entries)[number] | null = null;
  for (const e of entries) {
    if (e.words.includes('LAPTOP') !== laptop) continue;
    if (containsRun(name, e.words) && (!best || e.words.length > best.words.length)) best = e;
  }
  if (!best) return null;
  const why = table.sources[best.vendor] ?? 'published specification';
  return {
    gbPerSecond: best.gbPerSecond,
    source: `${deviceName.trim()}: ${best.gbPerSecond} GB/s (${why}${best.note ? `, ${best.note}` : ''})`,
  };
}

/**
 * The bandwidth to estimate with when llama.cpp uses several GPUs: layers are split across them and run one
 * after another, so a token is as slow as its slowest device's share; the slowest known device stands for all.
 * Null when any device is unknown (a guess would be no better than none).
 */
export function slowestGpuBandwidth(deviceNames: readonly string[]): KnownBandwidth | null {
  if (deviceNames.length === 0) return null;
  const known = deviceNames.map(gpuBandwidth);
  if (known.some((k) => k === null)) return null;
  const slowest = (known as KnownBandwidth[]).reduce((a, b) => (b.gbPerSecond < a.gbPerSecond ? b : a));
  return deviceNames.length === 1 ? slowest : { ...slowest, source: `${slowest.source}, the slowest of ${deviceNames.length} GPUs` };
}
