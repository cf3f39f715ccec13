import type { CallChannel, EventChannel } from '../../shared/channels';
import type { Envelope } from '../../shared/errors';
import type { Transport } from './transport';

type Frame = { type: 'result'; id: number; envelope: Envelope<unknown> } | { type: 'event'; event: EventChannel; payload: unknown };

const TOKEN_KEY = 'hearth.token';

/** The token comes once in the address; it is kept for this tab and taken out of the address bar. */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/**
 * The headless transport. Reconnects with backoff; calls made while disconnected wait for the socket, and
 * calls in flight when it drops fail (their outcome is unknown, so they are not retried blindly). Events sent
 * while it was down are lost: `onStatus(true)` after a `false` tells the caller to resync.
 */
export function wsTransport(token: string, onStatus: (connected: boolean) => void): Transport {
  const listeners = new Map<EventChannel, Set<(p: unknown) => void>>();
  const pending = new Map<number, (e: Envelope<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened!: (ws: WebSocket) => void;
  const waitForOpen = (): Promise<WebSocket> =>
    new Promise((resolve) => {
      opened = resolve;
    });
  let open = waitForOpen();
  let retry = 250;

  const connect = (): void => {
    const ws = new WebSocket(`ws://${window.location.host}/ws?token=${encodeURIComponent(token)}`);
    ws.onopen = () => {
      socket = ws;
      retry = 250;
      opened(ws);
      onStatus(true);
    };
    ws.onmessage = (m) => {
      const frame = JSON.parse(String(m.data)) as Frame;
      if (frame.type === 'result') {
        pending.get(frame.id)?.(frame.envelope);
        pending.delete(frame.id);
      } else {
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
      }
    };
    ws.onclose = () => {
      // Calls made from now on wait for the next socket rather than go to this closed one.
      if (socket === ws) {
        socket = null;
        open = waitForOpen();
      }
      onStatus(false);
      for (const done of pending.values())
        done({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'Lost the connection to Hearth.' } });
      pending.clear();
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  };
  connect();

  return {
    async call(channel: CallChannel, input: unknown) {
      const ws = socket ?? (await open);
      const id = nextId++;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, input }));
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
