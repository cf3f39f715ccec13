/**
 * The hashing thread, started by the transfer thread (transferWorker.ts) and spoken to by it alone. Source text
 * run with `eval: true`, for the same reason as the transfer thread's. Plain CommonJS, no imports but Node's.
 *
 * It hashes the partial file itself, read back from the page cache a slice at a time up to the bytes the
 * transfer thread says are written: so the SHA-256 is of the bytes in the file, the transfer thread never waits
 * for a hash, and on 2 cores the two threads share the work of one download (bench/RESULTS.md). Resuming a
 * partial file is the same catching up, from 0, unless the hash of exactly its length is kept from earlier in
 * this run.
 *
 * In: `open { path, have }`, `written { to }`, `truncate`, `close { to }`, `release` (lets go of the file, keeping
 * what is hashed), `abort` (stops an open's rehash), `forget { path }`. Out: `opened { bytes }`, `truncated`,
 * `closed { bytes, digest }`, `released`, and `failed { code, message, aborted }` for whichever of open or close
 * was asked. Each answer echoes its ask's `seq`. Unasked (seq null): `hashed { bytes }` every few MB, and `failed`
 * when a read fails while the body streams.
 */
export const HASH_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');

const SLICE = 1024 * 1024;
/** Hashed bytes between two reports to the transfer thread, which holds the network back when the hash lags. */
const REPORT = 8 * 1024 * 1024;
const buf = Buffer.allocUnsafe(SLICE);
/** The SHA-256 of each partial file's first bytes, with how many: a hash of a prefix stays true as the file grows. */
const states = new Map();
/** The file being hashed: up to target, with waiters for open and close. */
let cur = null;

const send = (m) => parentPort.postMessage(m);
const coded = (message, code) => Object.assign(new Error(message), { code });
const info = (error) => ({
  code: error && typeof error.code === 'string' ? error.code : null,
  message: String(error && error.message ? error.message : error),
});
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Reads and hashes the file up to its target, turning the loop between slices so that messages get in. */
async function catchUp(c) {
  if (c.running) return;
  c.running = true;
  try {
    while (cur === c && !c.failure && c.state.bytes < c.target) {
      if (c.aborted) throw coded('the transfer was stopped', 'EABORTED');
      const state = c.state;
      const n = fs.readSync(c.fd, buf, 0, Math.min(SLICE, c.target - state.bytes), state.bytes);
      if (n === 0) throw coded('the partial file got shorter while it was read', 'ESHORT');
      state.hash.update(n === SLICE ? buf : buf.subarray(0, n));
      state.bytes += n;
      if (state.bytes - c.reported >= REPORT || state.bytes === c.target) report(c);
      settle(c);
      await turn();
    }
  } catch (error) {
    fail(c, error);
  } finally {
    c.running = false;
  }
  settle(c);
}

function report(c) {
  c.reported = c.state.bytes;
  send({ type: 'hashed', seq: null, bytes: c.state.bytes });
}

function settle(c) {
  if (c.failure) return;
  c.waiters = c.waiters.filter((w) => (c.state.bytes >= w.at ? (w.done(), false) : true));
}

function fail(c, error) {
  if (c.failure) return;
  c.failure = error;
  states.delete(c.path);
  const waiters = c.waiters.splice(0);
  // Unasked (no seq): the transfer thread stops the body.
  if (waiters.length === 0) send({ type: 'failed', seq: null, aborted: false, ...info(error) });
  for (const w of waiters) w.fail(error);
}

function open(m) {
  const seq = m.seq;
  if (cur) return send({ type: 'failed', seq, aborted: false, code: 'EBUSY', message: 'a partial file is already being hashed' });
  let fd;
  try {
    fd = fs.openSync(m.path, 'r');
  } catch (error) {
    return send({ type: 'failed', seq, aborted: false, ...info(error) });
  }
  let state = states.get(m.path);
  if (!state || state.bytes !== m.have) state = { hash: createHash('sha256'), bytes: 0 };
  states.set(m.path, state);
  const c = { path: m.path, fd, state, target: m.have, reported: 0, waiters: [], running: false, failure: null, aborted: false, opening: true };
  cur = c;
  c.waiters.push({
    at: m.have,
    done: () => {
      c.opening = false;
      send({ type: 'opened', seq, bytes: c.state.bytes });
    },
    fail: (error) => {
      end(c);
      send({ type: 'failed', seq, aborted: c.aborted, ...info(error) });
    },
  });
  settle(c);
  void catchUp(c);
}

function close(m) {
  const seq = m.seq;
  const c = cur;
  if (!c) return send({ type: 'failed', seq, aborted: false, code: 'ENOTOPEN', message: 'no partial file is being hashed' });
  if (c.failure) {
    end(c);
    return send({ type: 'failed', seq, aborted: false, ...info(c.failure) });
  }
  c.target = Math.max(c.target, m.to);
  c.waiters.push({
    at: m.to,
    done: () => {
      end(c);
      if (c.state.bytes !== m.to) {
        states.delete(c.path);
        return send({ type: 'failed', seq, aborted: false, code: 'ESIZE', message: 'hashed ' + c.state.bytes + ' bytes of ' + m.to });
      }
      send({ type: 'closed', seq, bytes: c.state.bytes, digest: c.state.hash.copy().digest('hex') });
    },
    fail: (error) => {
      end(c);
      send({ type: 'failed', seq, aborted: false, ...info(error) });
    },
  });
  settle(c);
  void catchUp(c);
}

function end(c) {
  if (cur === c) cur = null;
  try {
    fs.closeSync(c.fd);
  } catch {}
}

parentPort.on('message', (m) => {
  const c = cur;
  switch (m.type) {
    case 'open':
      return open(m);
    case 'written':
      if (!c || c.failure) return;
      c.target = Math.max(c.target, m.to);
      return void catchUp(c);
    case 'truncate':
      // Reads are synchronous, so none is half done here: the file can be emptied once this is answered.
      if (c && !c.failure) {
        c.state = { hash: createHash('sha256'), bytes: 0 };
        c.target = 0;
        c.reported = 0;
        states.set(c.path, c.state);
      }
      return send({ type: 'truncated', seq: m.seq });
    case 'close':
      return close(m);
    case 'abort':
      // Only an open's rehash stops: an abort that crossed the answer to the open finds nothing to do.
      if (c && c.opening) c.aborted = true;
      return;
    case 'release':
      if (c) end(c);
      return send({ type: 'released', seq: m.seq });
    case 'forget':
      return void states.delete(m.path);
  }
});
`;
