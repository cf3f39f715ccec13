/**
 * `npm run demo`: writes the random-weights test models into a temporary models folder and serves Hearth
 * with them, so the whole app can be tried on a machine with no real model. The UI labels them as test models.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { logError } from '../lib/log';
import { writeTinyModel } from '../lib/tinyModel';
import { parseCli, runHeadless } from './cli';

const { values } = parseArgs({ args: process.argv.slice(2), options: { port: { type: 'string', default: '8765' } } });
const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-'));
const modelsDir = join(dir, 'models');
mkdirSync(modelsDir, { recursive: true });
writeTinyModel(join(modelsDir, 'hearth-test-1m-varied.gguf'), { size: '1m' });
writeTinyModel(join(modelsDir, 'hearth-test-1m-says-the.gguf'), { size: '1m', favor: 'the' });
console.log(`Demo data in ${dir} (random-weights test models: they produce noise, not answers).`);
const options = parseCli([
  '--port',
  String(values.port),
  '--data-dir',
  join(dir, 'data'),
  '--models-dir',
  modelsDir,
  '--threads',
  '1',
  '--gpu',
  'off',
]);
runHeadless(options, { outMain: __dirname }, { demo: true }).catch((error: unknown) => {
  logError('could not start', error);
  console.error(`Hearth demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
