import { connect } from 'node:net';
import WebSocket from 'ws';

/**
 * Sends exact bytes to 127.0.0.1:port, as no HTTP client would (`GET //[`, broken escapes), and resolves with the
 * answer's status code, or null where none came: the connection closed, was reset, or stayed silent.
 */
export function rawStatus(port: number, request: string | Buffer, timeoutMs = 2000): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve(m ? Number(m[1]) : null);
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (b) => {
      got += b.toString('latin1');
      if (got.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

export type SocketOutcome =
  | { result: { id: number; envelope: { ok: boolean; value?: any; error?: { code: string; message: string } } } }
  | { closed: number }
  | { silent: true };

export interface RawSocket {
  /** Sends one frame, and resolves with the next result frame, or the close code if the socket closes instead. */
  send(data: string | Buffer, binary?: boolean, timeoutMs?: number): Promise<SocketOutcome>;
  readonly closed: boolean;
  close(): void;
}

/** A socket to the headless server that sends frames as given, with none of the client's own checks. */
export async function rawSocket(port: number, token: string): Promise<RawSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let waiting: ((o: SocketOutcome) => void) | null = null;
  let closed = false;
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString());
    if (f.type === 'result') waiting?.({ result: f });
  });
  ws.on('close', (code) => {
    closed = true;
    waiting?.({ closed: code });
  });
  ws.on('error', () => {});
  return {
    send: (data, binary = false, timeoutMs = 5000) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ silent: true }), timeoutMs);
        waiting = (o) => {
          clearTimeout(timer);
          waiting = null;
          resolve(o);
        };
        ws.send(data, { binary });
      }),
    get closed() {
      return closed;
    },
    close: () => ws.close(),
  };
}
