import { isCallChannel } from '../../shared/channels';
import { calls } from '../../shared/contract';
import { AppError, toErrorEnvelope, type Envelope } from '../../shared/errors';
import type { HandlerTable } from './handlers';

/**
 * The single entry for every call from any transport: an unknown channel or an input that does not parse is
 * refused before any service runs, and every outcome comes back as an envelope, never a thrown error.
 */
export async function dispatch(handlers: HandlerTable, channel: unknown, rawInput: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isCallChannel(channel)) throw new AppError('BAD_INPUT', `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}.`);
    const parsed = calls[channel].input.safeParse(rawInput);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
      throw new AppError('BAD_INPUT', `Invalid input for ${channel}${where}: ${first?.message ?? 'does not match the contract'}.`);
    }
    const handler = handlers[channel] as (input: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toErrorEnvelope(error) };
  }
}
