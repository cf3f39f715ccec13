import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Backend } from '../api/backend';
import { dispatch } from '../api/dispatch';

/** What a browser sends over the socket: one call. Anything else is answered with an error or ignored. */
const ClientCall = z.object({ id: z.number().int().nonnegative(), channel: z.string().max(100), input: z.unknown().optional() });

export type ServerFrame =
  | { type: 'result'; id: number; envelope: unknown }
  | { type: 'event'; event: string; payload: unknown };

/** Serves one authenticated socket: calls go through the same dispatch as Electron IPC; events fan out. */
export function serveSocket(ws: WebSocket, backend: Backend): void {
  const send = (frame: ServerFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const unsubscribe = backend.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
  ws.on('message', async (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text frames only');
    let parsed: z.infer<typeof ClientCall>;
    try {
      parsed = ClientCall.parse(JSON.parse(data.toString()));
    } catch {
      return ws.close(1007, 'not a call');
    }
    send({ type: 'result', id: parsed.id, envelope: await dispatch(backend.handlers, parsed.channel, parsed.input) });
  });
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());
}
