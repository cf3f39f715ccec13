import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../helpers/fixtures';

describe('npm start without an Electron binary', () => {
  it('says so plainly, points to npm run serve, and exits non-zero', () => {
    const t = tempDir();
    // A mirror that refuses at once and an empty cache: the binary download fails here as it does offline.
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: t.dir, ELECTRON_OVERRIDE_DIST_PATH: '' },
    });
    t.cleanup();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/could not be downloaded/);
    expect(r.stderr).toMatch(/npm run serve/);
  });
});
