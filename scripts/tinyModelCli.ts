/** `npm run tiny-model -- --out <file.gguf> [--size 1m|28m|310m] [--favor <word>]` */
import { parseArgs } from 'node:util';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';

const { values } = parseArgs({
  options: { out: { type: 'string' }, size: { type: 'string', default: '1m' }, favor: { type: 'string' }, seed: { type: 'string' } },
});
if (!values.out || !['1m', '28m', '310m'].includes(values.size ?? '')) {
  console.error('usage: npm run tiny-model -- --out <file.gguf> [--size 1m|28m|310m] [--favor <word>] [--seed <n>]');
  process.exit(2);
}
const file = writeTinyModel(values.out, {
  size: values.size as TinyModelSize,
  ...(values.favor ? { favor: values.favor } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
});
console.log(`wrote ${file} (random weights: a test model, not a real one)`);
