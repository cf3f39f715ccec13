#!/usr/bin/env node
/**
 * The GPU check, for a machine with an NVIDIA GPU: writes a tiny model, then runs it through Hearth's own
 * inference process (out/main/worker.js) twice, CPU-only and with `--gpu cuda` (all layers offloaded), and
 * prints tokens/s for each as one JSON line. Needs `npm run build` first, and the tiny-model writer bundled
 * to plain JS (plain Node cannot run TypeScript):
 *   npx esbuild electron/lib/tinyModel.ts --format=esm --outfile=out/tools/tinyModel.mjs
 *   node scripts/gpu-check.mjs [--size 28m|310m] [--tokens 256] [--gpu cuda|vulkan] [--threads n]
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '310m' },
    tokens: { type: 'string', default: '256' },
    gpu: { type: 'string', default: 'cuda' },
    threads: { type: 'string', default: '0' },
    'skip-cpu': { type: 'boolean', default: false },
  },
});
const tokens = Number(values.tokens);
const { writeTinyModel } = await import(pathToFileURL(join(root, 'out/tools/tinyModel.mjs')).href);
const dir = mkdtempSync(join(tmpdir(), 'hearth-gpu-'));
let t = performance.now();
const model = writeTinyModel(join(dir, `gpu-${values.size}.gguf`), { size: values.size, favor: 'the' });
const writeMs = Math.round(performance.now() - t);

/** One inference process with the given GPU choice: load, one warm-up answer, one measured answer. */
function run(gpu) {
  return new Promise((resolve, reject) => {
    const child = fork(join(root, 'out/main/worker.js'), [JSON.stringify({ gpu })], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      execArgv: [],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code, signal) => {
      const why = stderr
        .split('\n')
        .filter((l) => /assert|error|abort/i.test(l) && !l.startsWith('/'))
        .slice(0, 5)
        .join('\n');
      reject(new Error(`worker exited (${signal ?? code}):\n${why || stderr.slice(0, 1500)}`));
    });
    const pending = new Map();
    let id = 0;
    child.on('message', (m) => {
      if (m.type === 'log') console.error(`[llama.cpp ${m.level}] ${m.message.trim()}`);
      if (m.type === 'result') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error.message));
      }
    });
    const ask = (msg) =>
      new Promise((res, rej) => {
        const n = ++id;
        pending.set(n, { resolve: res, reject: rej });
        child.send({ ...msg, id: n });
      });
    (async () => {
      const t0 = performance.now();
      const loaded = await ask({ type: 'load', path: model, options: { contextSize: 2048, threads: Number(values.threads) } });
      const loadMs = Math.round(performance.now() - t0);
      const turns = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about the hearth.' },
      ];
      await ask({ type: 'generate', turns, options: { maxTokens: 32, temperature: 0 } });
      const r = await ask({ type: 'generate', turns, options: { maxTokens: tokens, temperature: 0 } });
      child.removeAllListeners('exit');
      child.kill();
      const genMs = r.durationMs - (r.timeToFirstTokenMs ?? 0);
      resolve({
        gpu: loaded.gpu,
        gpuLayers: loaded.gpuLayers,
        loadMs,
        completionTokens: r.completionTokens,
        tokensPerSecond: Math.round((r.completionTokens / r.durationMs) * 1000 * 10) / 10,
        generationTokensPerSecond: Math.round((r.completionTokens / genMs) * 1000 * 10) / 10,
        firstTokenMs: r.timeToFirstTokenMs,
      });
    })().catch(reject);
  });
}

const cpu = values['skip-cpu'] ? null : await run('off');
const gpu = await run(values.gpu);
console.log(
  JSON.stringify({
    model: values.size,
    tokens,
    writeMs,
    cpu,
    gpu,
    speedup: cpu ? Math.round((gpu.tokensPerSecond / cpu.tokensPerSecond) * 100) / 100 : null,
  }),
);
