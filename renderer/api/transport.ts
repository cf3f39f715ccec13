import type { CallChannel, EventChannel } from '../../shared/channels';
import type { Envelope } from '../../shared/errors';

/** How the renderer reaches main: the preload bridge in the desktop app, a WebSocket in a browser. */
export interface Transport {
  call(channel: CallChannel, input: unknown): Promise<Envelope<unknown>>;
  on(event: EventChannel, listener: (payload: unknown) => void): () => void;
}

export interface PreloadBridge {
  call: Record<CallChannel, (input: unknown) => Promise<Envelope<unknown>>>;
  on(event: EventChannel, listener: (payload: unknown) => void): () => void;
  /** A dropped file's path on disk (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile?: (file: File) => string;
}

export function bridgeTransport(bridge: PreloadBridge): Transport {
  return { call: (channel, input) => bridge.call[channel](input), on: (event, l) => bridge.on(event, l) };
}
