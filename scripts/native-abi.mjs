#!/usr/bin/env node
/**
 * better-sqlite3 is a native module built for one runtime at a time: Node (tests, `npm run serve`) or Electron
 * (`npm start`, packaging). `node scripts/native-abi.mjs node|electron` checks which build is present and
 * rebuilds only when it is the wrong one. See TOOLCHAIN notes in ARCHITECTURE.md ("two runtimes").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/native-abi.mjs node|electron');
  process.exit(2);
}

const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
const marker = join(pkgDir, 'build', 'hearth-runtime.json');
const readMarker = () => {
  try {
    return JSON.parse(readFileSync(marker, 'utf8'));
  } catch {
    return null;
  }
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Loads the module in a fresh Node process: a build for another ABI fails there, not here. */
function loadsInNode() {
  const r = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], {
    cwd: root,
    stdio: 'pipe',
  });
  return r.status === 0;
}

if (target === 'node') {
  if (loadsInNode()) process.exit(0);
  console.log('better-sqlite3 is built for Electron; rebuilding it for Node (about two minutes)...');
  execFileSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  rmSync(marker, { force: true });
  if (!loadsInNode()) {
    console.error('better-sqlite3 still does not load in Node after a rebuild.');
    process.exit(1);
  }
  process.exit(0);
}

const electronVersion = require('electron/package.json').version;
const m = readMarker();
if (m?.runtime === 'electron' && m.version === electronVersion && existsSync(join(pkgDir, 'build/Release/better_sqlite3.node')))
  process.exit(0);
console.log(`Rebuilding better-sqlite3 for Electron ${electronVersion} (needs Electron's headers from the internet)...`);
// These machines set npm_config_nodedir=/usr, which would make node-gyp build a Node binary labelled Electron's.
const env = { ...process.env };
for (const k of Object.keys(env)) if (k.toLowerCase() === 'npm_config_nodedir') delete env[k];
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(
  process.execPath,
  [
    gyp,
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    '--runtime=electron',
    '--dist-url=https://electronjs.org/headers',
    '--nodedir=',
  ],
  { cwd: pkgDir, env, stdio: 'inherit' },
);
if (r.status !== 0) {
  console.error('Could not build better-sqlite3 for Electron (offline?). `npm run serve` runs Hearth in your browser without it.');
  process.exit(1);
}
writeFileSync(marker, JSON.stringify({ runtime: 'electron', version: electronVersion }));
