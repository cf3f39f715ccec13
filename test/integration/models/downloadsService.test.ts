import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Download } from '../../../shared/models';
import { fakeResolver, LICENSE, REPO_SHA, repoOf, type Rig, sha256Of, startRig } from '../../helpers/fakeHub';
import { tempDir } from '../../helpers/fixtures';

const A = randomBytes(600_000);
const B = randomBytes(300_000);
const repos = [
  repoOf('org/alpha-GGUF', [{ path: 'alpha-Q4_K_M.gguf', bytes: A }]),
  repoOf('org/beta-GGUF', [{ path: 'beta-Q8_0.gguf', bytes: B }]),
];
const ALPHA = ['org/alpha-GGUF', REPO_SHA, 'alpha-Q4_K_M.gguf'] as const;
const BETA = ['org/beta-GGUF', REPO_SHA, 'beta-Q8_0.gguf'] as const;

let rig: Rig;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await rig?.close();
  while (cleanups.length) cleanups.pop()!();
});

const alphaPath = (): string => join(rig.modelsDir, 'org', 'alpha-GGUF', 'alpha-Q4_K_M.gguf');
const fileRequests = (): { path: string; range: string | null; status: number }[] =>
  rig.hub.requests.filter((r) => !r.path.startsWith('/api/'));
const receiving = (id: string, over: number) => (d: Download) => d.id === id && d.status === 'downloading' && d.receivedBytes > over;

describe('the download queue', () => {
  it('pauses keeping the partial file, and resumes from it with a Range request', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 400_000 });
    const d = await rig.service.enqueue(...ALPHA);
    await rig.when(receiving(d.id, 100_000));

    expect(rig.service.pause(d.id).status).toBe('paused');
    await rig.until(d.id, ['paused']);
    rig.hub.setFault(null);
    // The transfer lets go of the file before the resumed one measures it: the queue runs one at a time.
    expect(rig.service.resume(d.id).status).toBe('queued');
    const done = await rig.until(d.id, ['done', 'failed']);

    expect(done.status).toBe('done');
    expect(sha256Of(readFileSync(alphaPath()))).toBe(sha256Of(A));
    const [first, second] = fileRequests();
    expect(first?.range).toBeNull();
    expect(Number(/^bytes=(\d+)-$/.exec(second?.range ?? '')?.[1])).toBeGreaterThan(100_000);
    expect(second?.status).toBe(206);
    expect(rig.violations).toEqual([]);
  });

  it('cancels a running download, deletes its partial file, and forgets it on dismiss', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 200_000 });
    const d = await rig.service.enqueue(...ALPHA);
    await rig.when(receiving(d.id, 50_000));

    const cancelled = await rig.service.cancel(d.id);

    expect(cancelled).toMatchObject({ status: 'cancelled', receivedBytes: 0 });
    expect(existsSync(`${alphaPath()}.part`)).toBe(false);
    expect(existsSync(alphaPath())).toBe(false);
    expect(rig.registered).toEqual([]);
    await rig.service.dismiss(d.id);
    expect(rig.service.list()).toEqual([]);
  });

  it('sends progress with bytes, speed and ETA, no more often than its interval between changes of status', async () => {
    rig = await startRig(repos, { progressMs: 200 });
    const at: number[] = [];
    rig.events.subscribe((event, payload) => {
      if (event === 'downloads:progress' && (payload as Download).status === 'downloading') at.push(performance.now());
    });
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 400_000 });
    const d = await rig.service.enqueue(...ALPHA);
    await rig.until(d.id, ['done']);

    const moving = rig.progress.filter((p) => p.status === 'downloading');
    expect(moving.length).toBeGreaterThan(2);
    expect(moving.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== null && p.etaSeconds > 0)).toBe(true);
    expect(moving.map((p) => p.receivedBytes)).toEqual(moving.map((p) => p.receivedBytes).sort((x, y) => x - y));
    // The first is the change to downloading; the rest come from the interval timer, which never fires early.
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(190);
    expect(rig.progress.at(-1)).toMatchObject({
      status: 'done',
      receivedBytes: A.length,
      totalBytes: A.length,
      bytesPerSecond: 0,
      etaSeconds: null,
    });
  });

  it('runs one download at a time: the second waits in the queue until the first is done', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 1_000_000 });
    const a = await rig.service.enqueue(...ALPHA);
    const b = await rig.service.enqueue(...BETA);
    expect(b.status).toBe('queued');
    await rig.when(receiving(a.id, 50_000));
    expect(rig.service.list().find((x) => x.id === b.id)?.status).toBe('queued');

    await rig.until(b.id, ['done']);
    expect(rig.service.list().map((x) => x.status)).toEqual(['done', 'done']);
    expect(fileRequests().map((r) => r.path.split('/')[2])).toEqual(['alpha-GGUF', 'beta-GGUF']);
    expect(rig.registered.map((r) => r.repo)).toEqual(['org/alpha-GGUF', 'org/beta-GGUF']);
  });

  it('resumes an unfinished download after a restart from its partial file, with a Range request', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 300_000 });
    const d = await rig.service.enqueue(...ALPHA);
    const b = await rig.service.enqueue(...BETA);
    rig.service.pause(b.id);
    await rig.when(receiving(d.id, 100_000));
    rig.hub.setFault(null);

    await rig.restart();
    const kept = statSync(`${alphaPath()}.part`).size;
    expect(kept).toBeGreaterThan(100_000);
    const done = await rig.until(d.id, ['done', 'failed']);

    expect(done.status).toBe('done');
    expect(sha256Of(readFileSync(alphaPath()))).toBe(sha256Of(A));
    expect(fileRequests().at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expect(rig.service.list().find((x) => x.id === b.id)?.status).toBe('paused');
    expect(rig.violations).toEqual([]);
  });

  it('refuses remote names that would escape the models folder, before any request', async () => {
    const evil = [
      '../../evil.gguf',
      '/etc/evil.gguf',
      'dir\\..\\..\\evil.gguf',
      'a/../../../evil.gguf',
      'a/./b.gguf',
      'nul.gguf',
      'evil\u0000.gguf',
      'C:evil.gguf',
      'dot.',
    ];
    let next = '';
    rig = await startRig(repos, {
      resolver: (url) => ({
        resolve: async (...a) => {
          const r = await fakeResolver(url, repos, LICENSE).resolve(...a);
          return { ...r, parts: [{ ...r.parts[0]!, remotePath: next, sha256: 'f'.repeat(64), sizeBytes: 10 }] };
        },
      }),
    });
    for (const name of evil) {
      next = name;
      await expect(rig.service.enqueue(...ALPHA), name).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(/^Refused to download /),
      });
    }
    await expect(rig.service.enqueue('../org', REPO_SHA, 'x.gguf')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(rig.service.list()).toEqual([]);
    expect(fileRequests()).toEqual([]);
    expect(existsSync(rig.modelsDir) ? readdirSync(rig.modelsDir) : []).toEqual([]);
  });

  it('refuses a download through a link in the models folder that leads outside it', async () => {
    rig = await startRig(repos);
    const outside = tempDir('hearth-outside-');
    cleanups.push(outside.cleanup);
    mkdirSync(join(rig.modelsDir, 'org'), { recursive: true });
    symlinkSync(outside.dir, join(rig.modelsDir, 'org', 'alpha-GGUF'));

    await expect(rig.service.enqueue(...ALPHA)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('leads out of the models folder'),
    });
    expect(readdirSync(outside.dir)).toEqual([]);
    expect(fileRequests()).toEqual([]);
  });

  it('refuses a download that would not fit on the disk, with the numbers, before a byte is written', async () => {
    rig = await startRig(repos, { statFs: async () => ({ bavail: 100, bsize: 4096 }) });
    await expect(rig.service.enqueue(...ALPHA)).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: `Not enough free space in ${rig.modelsDir}: this download needs 600 KB, and 410 KB is free.`,
    });
    expect(rig.service.list()).toEqual([]);
    expect(fileRequests()).toEqual([]);
  });

  it('counts the downloads ahead in the queue in the free-space check', async () => {
    rig = await startRig(repos, { statFs: async () => ({ bavail: 800_000, bsize: 1 }) });
    // Slow enough that the first has far to go when the second asks.
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 20_000 });
    await rig.service.enqueue(...ALPHA);
    await expect(rig.service.enqueue(...BETA)).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringMatching(
        /^Not enough free space in .*: this download needs 300 KB, and the downloads before it \d+ KB more, and 800 KB is free\.$/,
      ),
    });
  });

  it('refuses a second download of a file already in the queue, or already downloaded', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'throttle', bytesPerSecond: 1_000_000 });
    const d = await rig.service.enqueue(...ALPHA);
    await expect(rig.service.enqueue(...ALPHA)).rejects.toMatchObject({ code: 'BUSY' });
    await expect(rig.service.dismiss(d.id)).rejects.toMatchObject({ code: 'BUSY' });
    await rig.until(d.id, ['done']);
    await expect(rig.service.enqueue(...ALPHA)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('is already downloaded'),
    });
    await rig.service.dismiss(d.id);
    expect(rig.service.list()).toEqual([]);
    expect(existsSync(alphaPath())).toBe(true);
  });
});
