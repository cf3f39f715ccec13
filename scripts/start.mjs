#!/usr/bin/env node
/**
 * `npm start`: the desktop app. Electron's binary is downloaded on first use; where that cannot happen (an
 * offline machine) this says so plainly and points to `npm run serve`, the same app in a browser.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status === 0;

const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  timeout: 180_000,
});
const electronPath = probe.status === 0 ? probe.stdout.toString().trim() : '';
if (!electronPath || !existsSync(electronPath)) {
  console.error(
    [
      '',
      "Hearth's desktop window needs Electron's binary, and it could not be downloaded on this machine (no internet?).",
      'Run the same app in your browser instead:',
      '',
      '    npm run serve',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
if (!run(['scripts/native-abi.mjs', 'electron'])) process.exit(1);
if (!run([join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])) process.exit(1);
const child = spawn(electronPath, ['.'], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
