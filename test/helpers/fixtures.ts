import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TinyLoraOptions, writeTinyLora } from '../../electron/lib/tinyLora';
import { type TinyModelOptions, writeTinyModel } from '../../electron/lib/tinyModel';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');
export const WORKER_PATH = join(ROOT, 'out/main/worker.js');
export const HEADLESS_PATH = join(ROOT, 'out/main/headless.js');
export const RENDERER_DIR = join(ROOT, 'out/renderer');

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'hearth-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a tiny model into `dir` (see TINY-MODEL in the README) and returns its path. */
export function tinyModel(dir: string, name: string, options: TinyModelOptions = {}): string {
  return writeTinyModel(join(dir, name), options);
}

/** Writes a LoRA adapter for a tiny model (its `base` options) into `dir` and returns its path. */
export function tinyLora(dir: string, name: string, options: TinyLoraOptions = {}): string {
  return writeTinyLora(join(dir, name), options);
}
