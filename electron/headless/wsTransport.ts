import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { calls } from '../../shared/contract';
import type { Backend } from '../api/backend';
import { dispatch } from '../api/dispatch';

const CallId = z.number().int().nonnegative();
/** What a browser sends over the socket: one call. Anything else is answered with an error or closes the socket. */
const ClientCall = z.object({ id: CallId, channel: z.string().max(100), input: z.unknown().optional() });
/** Enough of a call to answer: a frame with this but not the rest gets a BAD_INPUT result, not a closed socket. */
const WithId = z.object({ id: CallId });

const longestText = calls['chat:send'].input.shape.text.maxLength;
if (longestText === null) throw new Error('chat:send text needs a maximum length: the frame cap is derived from it.');

/**
 * The largest frame the socket takes. The contract's largest input is chat:send's text; JSON writes a control
 * character or a lone surrogate as `\u0001`, 6 bytes, so the cap is 6 bytes per character plus room for the rest
 * of the call. With a smaller cap a message the contract allows could close the socket (1009) with no answer;
 * anything larger than this is over the contract anyway.
 */
export const MAX_FRAME_BYTES = longestText * 6 + 64 * 1024;

export type ServerFrame = { type: 'result'; id: number; envelope: unknown } | { type: 'event'; event: string; payload: unknown };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Serves one authenticated socket: calls go through the same dispatch as Electron IPC; events fan out. */
export function serveSocket(ws: WebSocket, backend: Backend): void {
  const send = (frame: ServerFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const answer = async (data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) return ws.close(1003, 'text frames only');
    const frame = parseJson(data.toString());
    const call = ClientCall.safeParse(frame);
    if (call.success) {
      send({ type: 'result', id: call.data.id, envelope: await dispatch(backend.handlers, call.data.channel, call.data.input) });
      return;
    }
    // With an id the client can match, a wrong call is its mistake to be told about; without one, nobody could
    // be told, and the peer is not speaking this protocol.
    const withId = WithId.safeParse(frame);
    if (!withId.success) return ws.close(1007, 'not a call');
    const message = 'Not a call: send { id, channel, input } with channel a string of at most 100 characters.';
    send({ type: 'result', id: withId.data.id, envelope: { ok: false, error: { code: 'BAD_INPUT', message } } });
  };
  const unsubscribe = backend.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
  ws.on('message', (data, isBinary) => {
    answer(data, isBinary).catch(() => ws.close(1011, 'internal error'));
  });
  ws.on('close', unsubscribe);
  // On a protocol error (a frame over the cap: 1009) ws has already queued its close frame. Destroying the socket at
  // once could drop that frame, and unread bytes make the kernel reset the connection, so the client saw 1006 instead
  // of 1009 under load. Give the close a moment to go out; a client that never answers it is cut off after that.
  ws.on('error', () => {
    const cutOff = setTimeout(() => ws.terminate(), 1000);
    cutOff.unref();
    ws.once('close', () => clearTimeout(cutOff));
  });
}
