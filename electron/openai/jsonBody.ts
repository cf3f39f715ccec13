import type { IncomingMessage } from 'node:http';

/** Chat histories with long documents pasted in are large, but nothing an API client sends needs more. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type BodyResult =
  | { ok: true; body: unknown }
  | { ok: false; status: number; message: string }
  /** The client went away while sending. */
  | { ok: false; status: null; message: string };

/** Reads a request's JSON body: `application/json`, at most `cap` bytes, valid JSON. */
export function readJsonBody(req: IncomingMessage, cap = MAX_BODY_BYTES): Promise<BodyResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return Promise.resolve({ ok: false, status: 415, message: 'Send the request body as JSON, with Content-Type: application/json.' });
  }
  const tooLarge = { ok: false, status: 413, message: `The request body is larger than ${cap / 1024 / 1024} MiB.` } as const;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      // Past the cap the rest is read and dropped rather than left unread: closing on unread bytes makes the
      // kernel reset the connection, and the client would never see the 413.
      if (size > cap) {
        chunks.length = 0;
        settle(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        settle({ ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        settle({ ok: false, status: 400, message: 'The request body is not valid JSON.' });
      }
    });
    req.on('error', () => settle({ ok: false, status: null, message: 'The client went away while sending.' }));
    req.on('close', () => settle({ ok: false, status: null, message: 'The client went away while sending.' }));
  });
}
