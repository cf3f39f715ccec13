import type { IncomingMessage } from 'node:http';
import type { PartSink } from './partSink';

/**
 * Hands a response body to the sink. Flowing mode on purpose: each chunk reaches `onChunk` (which counts it, and
 * may refuse it by throwing) and the sink the moment the parser has it, so every byte that arrived is kept even
 * when the connection then breaks. A paused-mode reader loses the chunks still buffered in the response when Node
 * destroys it for a premature close, and a resume would then ask again for bytes that had arrived.
 * Resolves when the body has ended; rejects with why it did not (the sink's own failure shows at its close).
 */
export function receiveBody(
  res: IncomingMessage,
  sink: PartSink,
  onChunk: (chunk: Buffer) => void,
  signal: AbortSignal,
  /** The stall timer: held while the disk, not the network, is what the body waits for. */
  stall: { hold(): void; arm(): void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error === null) return resolve();
      res.destroy();
      reject(error);
    };
    const onAbort = (): void => finish(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        onChunk(chunk);
      } catch (error) {
        return finish(error);
      }
      if (!sink.write(chunk)) {
        res.pause();
        stall.hold();
        void sink.drained().then(() => {
          stall.arm();
          res.resume();
        });
      }
    });
    res.once('end', () => finish(null));
    res.once('error', finish);
    res.once('close', () => {
      if (!res.complete) finish(new Error('the connection closed before the end of the file'));
    });
  });
}
