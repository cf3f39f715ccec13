/**
 * The worker thread behind PartSink, as source text run with `eval: true`: a worker needs a file of its own, and
 * text travels through electron-vite, vitest and tsx alike with no extra build entry. Plain CommonJS, no imports
 * but Node's.
 *
 * Messages in: `open { path, have }`, `truncate`, `data { buf, len }`, `close`, `forget { path }`. Out:
 * `opened { bytes }`, `written { len, buf }` (the batch's memory, handed back), `closed { bytes, digest }`, `error { code, message }`, in order. Each
 * message carries `gen`, the sink's count of opens, and each reply echoes it, so a reply to an earlier file
 * (an error from a write that was already on its way) is told apart from one to the file open now.
 * It keeps the SHA-256 of each partial file it last wrote, with its length, so a resume in the same run hashes
 * only new bytes; a file whose length no longer matches is read and hashed again here, off the main thread.
 */
export const SINK_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');

/** Bytes between two fdatasync calls: writeback keeps pace with the transfer, so the last fsync has little left. */
const SYNC_EVERY = 64 * 1024 * 1024;
const states = new Map();
let open = null;

function rehash(path, have) {
  const hash = createHash('sha256');
  if (have > 0) {
    const fd = fs.openSync(path, 'r');
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      for (let at = 0; at < have; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, have - at), at);
        if (n === 0) throw Object.assign(new Error('the partial file got shorter while it was read'), { code: 'ESHORT' });
        hash.update(buf.subarray(0, n));
        at += n;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return { hash, bytes: have };
}

const writeAll = (fd, b) =>
  new Promise((resolve, reject) => {
    const from = (at) =>
      fs.write(fd, b, at, b.length - at, null, (error, n) => {
        if (error) return reject(error);
        if (at + n < b.length) return from(at + n);
        resolve();
      });
    from(0);
  });

/** The sync in flight, if any; it must end before its file is closed. Its failure shows at the close. */
const settleSync = async (o) => {
  const s = o.syncing;
  o.syncing = null;
  if (s) await s;
};

async function handle(m) {
  switch (m.type) {
    case 'open': {
      let state = states.get(m.path);
      if (!state || state.bytes !== m.have) state = rehash(m.path, m.have);
      states.set(m.path, state);
      open = { path: m.path, fd: fs.openSync(m.path, 'a'), state, unsynced: 0, syncing: null };
      return { type: 'opened', bytes: state.bytes };
    }
    case 'truncate': {
      states.delete(open.path);
      await settleSync(open);
      fs.ftruncateSync(open.fd, 0);
      open.state = { hash: createHash('sha256'), bytes: 0 };
      states.set(open.path, open.state);
      return null;
    }
    case 'data': {
      const b = Buffer.from(m.buf, 0, m.len);
      // The write runs on libuv's threads while this one hashes the same bytes. A failed write throws below,
      // and the state is dropped with the error: it never runs ahead of the file unnoticed.
      const written = writeAll(open.fd, b);
      open.state.hash.update(b);
      await written;
      open.state.bytes += b.length;
      open.unsynced += b.length;
      if (open.unsynced >= SYNC_EVERY && !open.syncing) {
        const o = open;
        o.unsynced = 0;
        o.syncing = new Promise((resolve, reject) => fs.fdatasync(o.fd, (e) => (e ? reject(e) : resolve())));
        // Seen at the close (or the next sync); meanwhile it must not count as unhandled.
        o.syncing.catch(() => {});
      }
      return { type: 'written', len: m.len, buf: m.buf };
    }
    case 'close': {
      const o = open;
      open = null;
      try {
        await settleSync(o);
      } finally {
        fs.closeSync(o.fd);
      }
      return { type: 'closed', bytes: o.state.bytes, digest: o.state.hash.copy().digest('hex') };
    }
    case 'forget': {
      states.delete(m.path);
      return null;
    }
  }
  return null;
}

async function step(m) {
  try {
    if (!open && m.type !== 'open' && m.type !== 'forget') throw Object.assign(new Error('no partial file is open'), { code: 'ENOTOPEN' });
    const reply = await handle(m);
    // The batch's memory goes back to be filled again: fewer large allocations for the collector.
    if (reply) parentPort.postMessage({ ...reply, gen: m.gen }, reply.buf ? [reply.buf] : []);
  } catch (error) {
    if (open) {
      const o = open;
      open = null;
      states.delete(o.path);
      await settleSync(o).catch(() => {});
      try {
        fs.closeSync(o.fd);
      } catch {}
    }
    parentPort.postMessage({ type: 'error', gen: m.gen, code: typeof error.code === 'string' ? error.code : null, message: String(error.message) });
  }
}

// One message at a time, in order: a write must not pass the close of its file.
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  queue = queue.then(() => step(m));
});
`;
