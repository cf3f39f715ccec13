import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiServerStatus } from '../../shared/api';
import { type Backend, createBackend } from '../api/backend';
import { forkSpawner } from '../inference/forkSpawner';
import type { GpuChoice } from '../inference/protocol';
import { lockDataDir } from '../lib/dataLock';
import { installCrashHandlers, startLog } from '../lib/log';
import { startHeadlessServer } from './server';

export interface CliOptions {
  port: number;
  dataDir: string;
  modelsDir: string;
  threads: number;
  gpu: GpuChoice;
  /** `--api-port <n>`: the OpenAI-compatible API server on at this port for this run (0: a free one); null: as the settings say. */
  apiPort: number | null;
}

const GPUS: GpuChoice[] = ['auto', 'off', 'cuda', 'vulkan', 'metal'];

/** The same place Electron's userData is on each platform, so desktop and headless share chats and models. */
export function defaultDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hearth');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hearth');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Hearth');
}

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8765' },
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      threads: { type: 'string', default: '0' },
      gpu: { type: 'string', default: 'auto' },
      'api-port': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const threads = Number(values.threads);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  if (!Number.isInteger(threads) || threads < 0) throw new Error(`--threads must be a whole number, got ${values.threads}`);
  if (!GPUS.includes(values.gpu as GpuChoice)) throw new Error(`--gpu must be one of ${GPUS.join(', ')}`);
  const apiPort = values['api-port'] === undefined ? null : Number(values['api-port']);
  if (apiPort !== null && (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535)) {
    throw new Error(`--api-port must be 0..65535, got ${values['api-port']}`);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  return {
    port,
    dataDir,
    modelsDir: resolve(values['models-dir'] ?? join(dataDir, 'models')),
    threads,
    gpu: values.gpu as GpuChoice,
    apiPort,
  };
}

/** Where the built entries are: out/main, next to worker.js, with the renderer in ../renderer. */
export interface BuiltPaths {
  outMain: string;
}

export function appVersion(paths: BuiltPaths): string {
  try {
    return JSON.parse(readFileSync(join(paths.outMain, '../../package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Prints one line each time the API server starts listening (at launch, from --api-port or the setting, or later
 * when the user switches it on in the page), and why it could not, when it could not.
 */
function announceApi(backend: Backend): void {
  let shownPort: number | null = null;
  let shownError: string | null = null;
  backend.events.subscribe((event, payload) => {
    if (event !== 'api:changed') return;
    const status = ApiServerStatus.safeParse(payload);
    if (!status.success) return;
    const s = status.data;
    if (!s.running) shownPort = null;
    else if (shownPort !== s.port) {
      shownPort = s.port;
      console.log(`Hearth API is running at ${s.baseUrl} (key in ${s.keyFile})`);
    }
    if (s.error && s.error !== shownError) console.error(`Hearth API could not start: ${s.error}`);
    shownError = s.error;
  });
}

/**
 * Starts the log, takes the data folder (throws DataDirLockedError while another Hearth has it), starts backend
 * and server, prints the address, and shuts down cleanly on SIGINT/SIGTERM. The lock goes with the process.
 */
export async function runHeadless(o: CliOptions, paths: BuiltPaths, extra: { demo?: boolean } = {}): Promise<void> {
  startLog({ dir: join(o.dataDir, 'logs'), processName: 'headless' });
  installCrashHandlers();
  lockDataDir(o.dataDir);
  const backend = createBackend({
    dataDir: o.dataDir,
    modelsDir: o.modelsDir,
    gpu: o.gpu,
    threads: o.threads,
    shell: 'headless',
    version: appVersion(paths),
    spawner: forkSpawner(join(paths.outMain, 'worker.js')),
    // The Hub's address: a mirror or a test server stands in through HF_ENDPOINT, as with huggingface_hub.
    ...(process.env.HF_ENDPOINT ? { hubUrl: process.env.HF_ENDPOINT } : {}),
    ...(extra.demo ? { demo: true } : {}),
  });
  const server = await startHeadlessServer({ backend, rendererDir: join(paths.outMain, '../renderer'), port: o.port });
  console.log(`Hearth is running at ${server.url}`);
  announceApi(backend);
  await backend.api.start(o.apiPort === null ? undefined : { port: o.apiPort });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const killer = setTimeout(() => process.exit(1), 5000);
    await server.close();
    await backend.dispose(3000);
    clearTimeout(killer);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
