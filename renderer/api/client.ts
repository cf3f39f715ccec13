import type { CallChannel, EventChannel } from '../../shared/channels';
import type { CallInput, CallOutput, EventPayload } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';
import { bridgeTransport, type PreloadBridge, type Transport } from './transport';
import { takeToken, wsTransport } from './wsTransport';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const connectionListeners = new Set<(connected: boolean) => void>();
let connected = true;

const bridge = (window as unknown as { hearth?: PreloadBridge }).hearth;
const transport: Transport = bridge
  ? bridgeTransport(bridge)
  : wsTransport(takeToken(), (c) => {
      connected = c;
      for (const l of connectionListeners) l(c);
    });

/** Calls main over whichever transport this window has; throws ApiError with main's code and message. */
export async function call<C extends CallChannel>(
  channel: C,
  ...args: CallInput<C> extends void ? [] : [CallInput<C>]
): Promise<CallOutput<C>> {
  const envelope = await transport.call(channel, args[0]);
  if (!envelope.ok) throw new ApiError(envelope.error.code, envelope.error.message);
  return envelope.value as CallOutput<C>;
}

export function onEvent<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return transport.on(event, listener as (p: unknown) => void);
}

export function onConnection(listener: (connected: boolean) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

export const isConnected = (): boolean => connected;
