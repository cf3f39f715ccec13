import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The worker, the headless server and the renderer are tested as built, so build once before any test. */
export default function setup(): void {
  const root = resolve(__dirname, '../..');
  execFileSync(process.execPath, [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'pipe' });
}
