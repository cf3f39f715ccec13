/** `npm run serve -- --port <n> --data-dir <dir> --models-dir <dir> [--threads <n>] [--gpu auto|off|cuda|vulkan|metal] [--api-port <n>]` */
import { logError } from '../lib/log';
import { parseCli, runHeadless } from './cli';

try {
  void runHeadless(parseCli(process.argv.slice(2)), { outMain: __dirname }).catch((error: unknown) => {
    logError('could not start', error);
    console.error(`Hearth could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
