import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { HEADLESS_PATH } from './fixtures';

export interface RunningServer {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  /** Everything the server printed so far, stdout and stderr together. */
  output(): string;
  /**
   * Resolves with the first match of `pattern` in what the server printed (already or later); rejects if the
   * server exits first. Give the pattern the `m` flag to match a whole line.
   */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/**
 * Starts the built headless server as `npm run serve` does, and waits for its one line. `env` adds to (or
 * overrides) this process's environment, e.g. HF_ENDPOINT for a fake Hub.
 */
export async function startServe(args: string[], options: { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [HEADLESS_PATH, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let output = '';
  // Output is kept for the server's whole life, so a later line (the API server's) can be waited for.
  const watchers = new Set<() => void>();
  const onData = (b: Buffer): void => {
    output += b.toString();
    for (const w of watchers) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = output.match(pattern);
        if (!m) return;
        watchers.delete(check);
        child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null): void => {
        watchers.delete(check);
        reject(new Error(`server exited (${code}):\n${output}`));
      };
      watchers.add(check);
      child.once('exit', onExit);
      check();
      if (watchers.has(check) && (child.exitCode !== null || child.signalCode !== null)) {
        child.off('exit', onExit);
        onExit(child.exitCode);
      }
    });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    waitFor(/^Hearth is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m).then(
      (m) => {
        clearTimeout(timer);
        resolve(m[1]!);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
  const u = new URL(url);
  return {
    child,
    url,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
    output: () => output,
    waitFor,
    stop: () =>
      new Promise((resolve) => {
        // A killed child has a signalCode and no exitCode: it has exited all the same.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A minimal API client over the server's WebSocket, as the renderer talks to it. */
export async function wsClient(
  port: number,
  token: string,
): Promise<{ call: <T>(channel: string, input?: unknown) => Promise<T>; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (e: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString());
    if (f.type === 'result') pending.get(f.id)?.(f.envelope);
  });
  ws.on('close', (code) => {
    for (const done of pending.values()) done({ ok: false, error: { message: `socket closed (${code})` } });
    pending.clear();
  });
  return {
    call: <T>(channel: string, input?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const n = ++id;
        pending.set(n, (e) => (e.ok ? resolve(e.value as T) : reject(new Error(e.error!.message))));
        ws.send(JSON.stringify({ id: n, channel, input }));
      }),
    close: () => ws.close(),
  };
}
