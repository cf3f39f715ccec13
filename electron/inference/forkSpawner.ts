import { fork } from 'node:child_process';
import type { WorkerHandle, WorkerSpawner } from './host';
import type { WorkerInit } from './protocol';

const TAIL_BYTES = 8192;

/** Starts the inference process with child_process.fork: the headless server and the tests use this. */
export function forkSpawner(workerPath: string): WorkerSpawner {
  return (init: WorkerInit): WorkerHandle => {
    // execArgv: [] keeps the parent's flags (a TypeScript loader, --inspect) out of the inference process.
    const child = fork(workerPath, [JSON.stringify(init)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      execArgv: [],
    });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
      if (process.env.HEARTH_DEBUG) process.stderr.write(chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A send after the child died raises here; the exit handler reports it.
    child.on('error', () => undefined);
    return {
      pid: child.pid,
      postMessage: (m) => {
        if (child.connected) child.send(m);
      },
      onMessage: (l) => child.on('message', (m: unknown) => l(m)),
      // 'close' waits for stdio to drain, so the stderr tail holds the native abort message.
      onExit: (l) => child.once('close', (code, signal) => l({ code, signal })),
      stderrTail: () => tail,
      kill: () => child.kill('SIGKILL'),
    };
  };
}
