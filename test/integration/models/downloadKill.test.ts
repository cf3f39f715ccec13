import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTinyModel } from '../../../electron/lib/tinyModel';
import type { Download, LibraryModel } from '../../../shared/models';
import { type FakeHub, sha256Of, startFakeHub } from '../../helpers/fakeHub';
import { tempDir } from '../../helpers/fixtures';
import { type RunningServer, startServe, wsClient } from '../../helpers/headlessProcess';

const MODEL = buildTinyModel({ size: '1m', seed: 11 });
const SHA = 'c'.repeat(40);
const REPO = 'tiny/kill-GGUF';
const FILE = 'kill-Q8_0.gguf';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(dirs: { data: string; models: string }, hub: FakeHub): Promise<RunningServer> {
  const server = await startServe(['--port', '0', '--data-dir', dirs.data, '--models-dir', dirs.models, '--gpu', 'off'], {
    env: { HF_ENDPOINT: hub.url },
  });
  cleanups.push(() => server.stop());
  return server;
}

/** The one download, read over the socket until `done` says it is there. */
async function waitForDownload(call: <T>(c: string, i?: unknown) => Promise<T>, done: (d: Download) => boolean): Promise<Download> {
  let last: Download | undefined;
  await vi.waitFor(
    async () => {
      [last] = await call<Download[]>('downloads:list');
      if (last?.status === 'failed') throw new Error(`the download failed: ${last.error}`);
      expect(last && done(last)).toBe(true);
    },
    { timeout: 40_000, interval: 100 },
  );
  return last!;
}

describe('a download when the app is killed', () => {
  it('resumes on the next start from the partial file, with a Range request the server sees, and ends verified', async () => {
    const hub = await startFakeHub({
      repos: [
        {
          id: REPO,
          sha: SHA,
          license: 'apache-2.0',
          tags: ['gguf'],
          pipelineTag: 'text-generation',
          files: [{ path: FILE, bytes: MODEL }],
        },
      ],
    });
    cleanups.push(() => hub.close());
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dirs = { data: join(t.dir, 'data'), models: join(t.dir, 'models') };
    const dest = join(dirs.models, 'tiny', 'kill-GGUF', FILE);
    hub.setFault({ kind: 'throttle', bytesPerSecond: 100_000 });

    const first = await serve(dirs, hub);
    const c1 = await wsClient(first.port, first.token);
    const started = await c1.call<Download>('downloads:start', { repo: REPO, revision: SHA, file: FILE });
    expect(started).toMatchObject({ destPath: dest, totalBytes: MODEL.length, license: expect.objectContaining({ id: 'apache-2.0' }) });
    // Killed once bytes are on disk (they reach it within moments of arriving): the point is what survives.
    const onDisk = (): number => (existsSync(`${dest}.part`) ? statSync(`${dest}.part`).size : 0);
    await waitForDownload(c1.call, (d) => d.status === 'downloading' && d.receivedBytes > 100_000 && onDisk() > 0);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    c1.close();

    const kept = statSync(`${dest}.part`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(MODEL.length);
    expect(existsSync(dest)).toBe(false);
    const before = hub.requests.length;
    hub.setFault(null);

    const second = await serve(dirs, hub);
    const c2 = await wsClient(second.port, second.token);
    const done = await waitForDownload(c2.call, (d) => d.status === 'done');

    expect(done).toMatchObject({ id: started.id, receivedBytes: MODEL.length, error: null });
    expect(sha256Of(readFileSync(dest))).toBe(sha256Of(MODEL));
    expect(existsSync(`${dest}.part`)).toBe(false);
    const after = hub.requests.slice(before).filter((r) => r.path.includes('/resolve/'));
    expect(after).toEqual([expect.objectContaining({ method: 'GET', range: `bytes=${kept}-`, status: 206 })]);
    const models = await c2.call<LibraryModel[]>('models:list');
    expect(models.find((m) => m.path === dest)).toMatchObject({ source: 'downloaded', sha256: sha256Of(MODEL) });
    c2.close();
  });
});
