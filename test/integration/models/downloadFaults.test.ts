import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTinyModel } from '../../../electron/lib/tinyModel';
import { fakeResolver, LICENSE, repoOf, type Rig, sha256Of, startRig } from '../../helpers/fakeHub';

const MODEL = buildTinyModel({ size: '1m', seed: 7 });
const SHA = sha256Of(MODEL);
const REPO = 'tiny/tiny-GGUF';
const FILE = 'tiny-Q8_0.gguf';
const repos = [repoOf(REPO, [{ path: FILE, bytes: MODEL }])];

let rig: Rig;
afterEach(async () => {
  await rig?.close();
});

const dest = (): string => join(rig.modelsDir, 'tiny', 'tiny-GGUF', FILE);
const fileRequests = (): { range: string | null; status: number; server: string; authorization: string | null }[] =>
  rig.hub.requests.filter((r) => !r.path.startsWith('/api/'));

/** Starts a download and waits for it to end; it must end, one way or the other. */
async function download(): Promise<ReturnType<Rig['service']['list']>[number]> {
  const d = await rig.service.enqueue(REPO, REPO_REVISION, FILE);
  return rig.until(d.id, ['done', 'failed', 'cancelled']);
}
const REPO_REVISION = 'a'.repeat(40);

function expectVerified(): void {
  expect(sha256Of(readFileSync(dest()))).toBe(SHA);
  expect(existsSync(`${dest()}.part`)).toBe(false);
  expect(rig.registered).toEqual([{ path: dest(), repo: REPO, revision: REPO_REVISION, file: FILE, sha256: SHA, license: LICENSE }]);
  expect(rig.modelsChanged).toBe(1);
  expect(rig.violations).toEqual([]);
}

function expectNoModel(): void {
  expect(existsSync(dest())).toBe(false);
  expect(rig.registered).toEqual([]);
  expect(rig.modelsChanged).toBe(0);
  expect(rig.violations).toEqual([]);
}

describe('the downloader against a Hub that misbehaves', () => {
  it('downloads a file whole with one plain request, checks its SHA-256 and puts it at <models>/<owner>/<name>/<path>', async () => {
    rig = await startRig(repos);
    const d = await download();
    expect(d).toMatchObject({ status: 'done', error: null, totalBytes: MODEL.length, receivedBytes: MODEL.length, destPath: dest() });
    expectVerified();
    expect(fileRequests()).toEqual([expect.objectContaining({ range: null, status: 200, server: 'hub' })]);
  });

  it('resumes with a Range request from the bytes it has after the connection drops mid-file', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'drop', afterBytes: 300_000 }, 1);
    const d = await download();
    expect(d.status).toBe('done');
    expectVerified();
    expect(fileRequests()).toEqual([
      expect.objectContaining({ range: null, status: 200 }),
      expect.objectContaining({ range: 'bytes=300000-', status: 206 }),
    ]);
  });

  it('finishes a file whose every answer drops part way, since each try moves it on', async () => {
    rig = await startRig(repos, { tries: 2 });
    rig.hub.setFault({ kind: 'drop', afterBytes: 200_000 });
    const d = await download();
    expect(d.status).toBe('done');
    expectVerified();
    const tries = Math.ceil(MODEL.length / 200_000);
    expect(fileRequests().map((r) => r.range)).toEqual([
      null,
      ...Array.from({ length: tries - 1 }, (_, i) => `bytes=${(i + 1) * 200_000}-`),
    ]);
  });

  it('gives up with a clear error after the set number of tries when the connection drops before any byte', async () => {
    rig = await startRig(repos, { tries: 3 });
    rig.hub.setFault({ kind: 'drop', afterBytes: 0 });
    const d = await download();
    expect(d.status).toBe('failed');
    expect(d.error).toMatch(/broke off|closed after/);
    expect(d.error).toContain('Gave up after 3 tries in a row');
    expect(d.attempt).toBe(3);
    expect(fileRequests()).toHaveLength(3);
    expectNoModel();
  });

  it('starts again from byte 0 when the server ignores the Range request and sends the whole file', async () => {
    rig = await startRig(repos);
    mkdirSync(join(rig.modelsDir, 'tiny', 'tiny-GGUF'), { recursive: true });
    // Garbage where the first half should be: if the whole-file answer were appended, the hash would fail.
    writeFileSync(`${dest()}.part`, Buffer.alloc(MODEL.length / 2, 0x55));
    rig.hub.setFault({ kind: 'ignore-range' });
    const d = await download();
    expect(d.status).toBe('done');
    expectVerified();
    expect(fileRequests()).toEqual([expect.objectContaining({ range: `bytes=${MODEL.length / 2}-`, status: 200 })]);
  });

  it('refuses a file with one flipped byte, deletes the bytes, and downloads it again verified on resume', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'flip-byte', offset: 12_345 }, 1);
    const failed = await download();
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`does not match the Hub's SHA-256 (expected ${SHA}`);
    expect(existsSync(`${dest()}.part`)).toBe(false);
    expectNoModel();

    rig.service.resume(failed.id);
    const done = await rig.until(failed.id, ['done', 'failed']);
    expect(done.status).toBe('done');
    expectVerified();
    expect(fileRequests().map((r) => r.range)).toEqual([null, null]);
  });

  it('fails clearly, without retrying, when an HTML page comes back with status 200', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'html-error' });
    const d = await download();
    expect(d.status).toBe('failed');
    expect(d.error).toBe(
      `The server sent a web page (text/html) instead of the file ${rig.hub.url}/${REPO}/resolve/${REPO_REVISION}/${FILE}.`,
    );
    expect(fileRequests()).toHaveLength(1);
    expectNoModel();
  });

  it('follows the redirect to the second server for the bytes, and sends the token to the Hub alone', async () => {
    rig = await startRig(repos, { token: () => 'hf_secret' });
    rig.hub.setFault({ kind: 'redirect' });
    const d = await download();
    expect(d.status).toBe('done');
    expectVerified();
    expect(fileRequests()).toEqual([
      expect.objectContaining({ server: 'hub', status: 302, authorization: 'Bearer hf_secret' }),
      expect.objectContaining({ server: 'cdn', status: 200, authorization: null }),
    ]);
  });

  it('resumes on the CDN with a Range request after a drop there', async () => {
    rig = await startRig(repos);
    rig.hub.setFault({ kind: 'redirect' });
    rig.hub.setFault({ kind: 'drop', afterBytes: 100_000 }, 1);
    const d = await download();
    expect(d.status).toBe('done');
    expectVerified();
    expect(fileRequests().map((r) => [r.server, r.status])).toEqual([
      ['hub', 302],
      ['cdn', 200],
      ['hub', 302],
      ['cdn', 206],
    ]);
    expect(fileRequests()[3]?.range).toBe('bytes=100000-');
  });

  it('aborts a transfer that stalls and resumes it with a Range request', async () => {
    rig = await startRig(repos, { stallMs: 300 });
    rig.hub.setFault({ kind: 'stall', afterBytes: 250_000 }, 1);
    const d = await download();
    expect(d.status).toBe('done');
    expectVerified();
    expect(fileRequests()).toEqual([
      expect.objectContaining({ range: null, status: 200 }),
      expect.objectContaining({ range: 'bytes=250000-', status: 206 }),
    ]);
    expect(rig.progress.some((p) => p.status === 'downloading' && p.attempt === 2 && p.error?.includes('No data came for'))).toBe(true);
  });

  it('fails clearly when every try stalls before a byte arrives', async () => {
    rig = await startRig(repos, { stallMs: 200, tries: 2 });
    rig.hub.setFault({ kind: 'stall', afterBytes: 0 });
    const d = await download();
    expect(d.status).toBe('failed');
    expect(d.error).toMatch(/^No data came for 200 ms from .* Gave up after 2 tries in a row/);
    expectNoModel();
  });

  it('fails clearly when the server sends a different length than the Hub lists', async () => {
    rig = await startRig(repos, {
      resolver: (url) => {
        const real = fakeResolver(url, repos, LICENSE);
        return {
          resolve: async (...a) => {
            const r = await real.resolve(...a);
            return { ...r, parts: r.parts.map((p) => ({ ...p, sizeBytes: p.sizeBytes + 10 })) };
          },
        };
      },
    });
    const d = await download();
    expect(d.status).toBe('failed');
    expect(d.error).toBe(
      `The server sent 1,011,712 bytes for ${rig.hub.url}/${REPO}/resolve/${REPO_REVISION}/${FILE}, where the Hub lists 1,011,722 bytes.`,
    );
    expectNoModel();
  });

  it('refuses to start when the Hub gives no SHA-256, rather than hand out an unchecked file', async () => {
    rig = await startRig(repos, {
      resolver: (url) => ({
        resolve: async (...a) => {
          const r = await fakeResolver(url, repos, LICENSE).resolve(...a);
          return { ...r, parts: r.parts.map((p) => ({ ...p, sha256: null })) };
        },
      }),
    });
    await expect(rig.service.enqueue(REPO, REPO_REVISION, FILE)).rejects.toMatchObject({
      code: 'NETWORK',
      message: `The Hub gives no SHA-256 for ${REPO}/${FILE}, so Hearth could not check the file; it was not downloaded.`,
    });
    expect(rig.service.list()).toEqual([]);
    expect(fileRequests()).toEqual([]);
  });

  it('downloads a split GGUF as one download and moves its parts into place only when all of them match', async () => {
    const parts = [0, 1, 2].map((i) => ({
      path: `big/big-Q4_K_M-0000${i + 1}-of-00003.gguf`,
      bytes: MODEL.subarray((i * MODEL.length) / 4, ((i + 1) * MODEL.length) / 4 + (i === 2 ? MODEL.length / 4 : 0)),
    }));
    const split = [repoOf('tiny/split-GGUF', parts)];
    rig = await startRig(split);
    rig.hub.setFault({ kind: 'drop', afterBytes: 50_000 }, 2);
    const started = await rig.service.enqueue('tiny/split-GGUF', REPO_REVISION, parts[0]!.path);
    expect(started.totalBytes).toBe(MODEL.length);
    const d = await rig.until(started.id, ['done', 'failed']);
    expect(d.status).toBe('done');
    const paths = parts.map((p) => join(rig.modelsDir, 'tiny', 'split-GGUF', p.path));
    expect(Buffer.concat(paths.map((p) => readFileSync(p))).equals(MODEL)).toBe(true);
    expect(rig.registered).toEqual([expect.objectContaining({ path: paths[0], file: parts[0]!.path, sha256: sha256Of(parts[0]!.bytes) })]);
    expect(rig.violations).toEqual([]);
    expect(fileRequests().map((r) => r.range)).toEqual([null, 'bytes=50000-', 'bytes=100000-', null, null]);
  });
});
