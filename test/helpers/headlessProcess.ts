import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { HEADLESS_PATH } from './fixtures';

export interface RunningServer {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
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
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (b: Buffer): void => {
      output += b.toString();
      const m = output.match(/^Hearth is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
  const u = new URL(url);
  return {
    child,
    url,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
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
