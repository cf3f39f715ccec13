/** `npm run tiny-model -- --out <file.gguf> [--size 1m|28m|310m] [--favor <word>] [--seed <n>] [--reasoning]` */
import { parseArgs } from 'node:util';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';

const USAGE = 'usage: npm run tiny-model -- --out <file.gguf> [--size 1m|28m|310m] [--favor <word>] [--seed <n>] [--reasoning]';
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    size: { type: 'string', default: '1m' },
    favor: { type: 'string' },
    seed: { type: 'string' },
    // <think> segments through a Qwen3-style template; it leaves its thoughts only under a thought budget.
    reasoning: { type: 'boolean', default: false },
  },
});
if (!values.out || !['1m', '28m', '310m'].includes(values.size ?? '')) {
  console.error(USAGE);
  process.exit(2);
}
const file = writeTinyModel(values.out, {
  size: values.size as TinyModelSize,
  ...(values.favor ? { favor: values.favor } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values.reasoning ? { reasoning: true } : {}),
});
console.log(`wrote ${file} (random weights${values.reasoning ? ', reasoning' : ''}: a test model, not a real one)`);
