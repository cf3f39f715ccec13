import { utilityProcess } from 'electron';
import type { WorkerHandle, WorkerSpawner } from '../inference/host';
import type { WorkerInit } from '../inference/protocol';

/** Starts the inference process as an Electron utilityProcess: the desktop app's way. */
export function utilitySpawner(workerPath: string): WorkerSpawner {
  return (init: WorkerInit): WorkerHandle => {
    const child = utilityProcess.fork(workerPath, [JSON.stringify(init)], { stdio: 'pipe', serviceName: 'Hearth inference' });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-8192);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let alive = true;
    child.once('exit', () => {
      alive = false;
    });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (m) => {
        if (alive) child.postMessage(m);
      },
      onMessage: (l) => child.on('message', (m: unknown) => l(m)),
      onExit: (l) => child.once('exit', (code) => l({ code, signal: null })),
      stderrTail: () => tail,
      kill: () => {
        // utilityProcess.kill() sends SIGTERM, which a stopped or deadlocked process never acts on: the watchdog
        // needs SIGKILL. (Windows has no signals; there kill() terminates the process outright.)
        if (child.pid !== undefined && process.platform !== 'win32') {
          try {
            process.kill(child.pid, 'SIGKILL');
            return;
          } catch {
            // already gone
          }
        }
        child.kill();
      },
    };
  };
}
