import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

/** The desktop spawner over Electron's utilityProcess, with Electron replaced by a recorder. */
const forks: { path: string; args: string[]; options: Record<string, unknown>; child: FakeChild }[] = [];

class FakeChild extends EventEmitter {
  pid = 4242;
  stdout = new EventEmitter();
  stderr = new EventEmitter();
  sent: unknown[] = [];
  killed = false;
  postMessage(m: unknown): void {
    this.sent.push(m);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

vi.mock('electron', () => ({
  utilityProcess: {
    fork: (path: string, args: string[], options: Record<string, unknown>) => {
      const child = new FakeChild();
      forks.push({ path, args, options, child });
      return child;
    },
  },
}));

describe('utilityProcess spawner', () => {
  it('starts the worker entry with the init argument, relays messages both ways, and reports exit and stderr', async () => {
    const { utilitySpawner } = await import('../../../electron/main/utilitySpawner');
    const handle = utilitySpawner('/app/out/main/worker.js')({ gpu: 'auto' });
    const f = forks[0]!;
    expect(f.path).toBe('/app/out/main/worker.js');
    expect(JSON.parse(f.args[0]!)).toEqual({ gpu: 'auto' });
    expect(f.options).toMatchObject({ stdio: 'pipe' });
    expect(handle.pid).toBe(4242);

    handle.postMessage({ type: 'ping', n: 1 });
    expect(f.child.sent).toEqual([{ type: 'ping', n: 1 }]);
    const got: unknown[] = [];
    handle.onMessage((m) => got.push(m));
    f.child.emit('message', { type: 'ready', gpu: 'cpu' });
    expect(got).toEqual([{ type: 'ready', gpu: 'cpu' }]);

    f.child.stderr.emit('data', Buffer.from('GGML_ASSERT failed\n'));
    const exits: unknown[] = [];
    handle.onExit((e) => exits.push(e));
    f.child.emit('exit', 134);
    expect(exits).toEqual([{ code: 134, signal: null }]);
    expect(handle.stderrTail()).toContain('GGML_ASSERT failed');
    handle.postMessage({ type: 'ping', n: 2 });
    expect(f.child.sent).toHaveLength(1);
  });
});
