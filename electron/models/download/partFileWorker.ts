/**
 * The partial file's half of the transfer thread (transferWorker.ts joins it to the request's half: one script,
 * one scope). Plain CommonJS in a string, for the same reason as the rest of the thread.
 *
 * The file is appended through one writev at a time, so the chunks that came during one write go in the next,
 * straight from the socket's buffers. The SHA-256 is the hashing thread's (hashWorker.ts, started from here with
 * its source in workerData): it reads back what is written, so the transfer thread never waits for a hash and on
 * 2 cores the two threads share a download's work. Uses from the request's half: send, info, transfer, end and
 * unthrottle.
 */
export const PART_FILE_SOURCE = String.raw`
/** Bytes queued or being written before the socket is paused. */
const HIGH_WATER = 16 * 1024 * 1024;
/**
 * Bytes written but not yet hashed before the socket is paused: on a CPU that hashes slower than the network
 * brings bytes, the progress shown stays close to the bytes checked, and the tail after the last byte stays short.
 */
const HASH_LAG = 64 * 1024 * 1024;
/** Bytes between two fdatasync calls: writeback keeps pace with the transfer, so the last fsync has little left. */
const SYNC_EVERY = 64 * 1024 * 1024;
/** Written bytes between two words to the hashing thread; the rest goes with the close. */
const HASH_STEP = 1024 * 1024;
const TRUNCATE = Symbol('truncate');

/** The partial file open now, and its write queue. */
let file = null;
/** An open whose partial file the hashing thread is reading again; abort stops it. */
let opening = null;
let hasher = null;
/** The answer awaited from the hashing thread (one at a time: open, truncate, close). */
let hashWaiter = null;
let hashSeq = 0;

function hashThread() {
  if (hasher) return hasher;
  const w = new Worker(workerData.hasherSource, { eval: true });
  w.unref();
  w.on('message', (m) => {
    const waiter = hashWaiter;
    if (m.seq != null) {
      // An answer to an earlier ask (one that failed on its own first) is old news.
      if (!waiter || waiter.seq !== m.seq) return;
      hashWaiter = null;
      return waiter.done(m);
    }
    if (m.type === 'hashed' && file) {
      file.hashed = m.bytes;
      return unthrottle(file);
    }
    // Unasked: a read failed while the body streamed. The file cannot be vouched for, so the body stops.
    if (m.type === 'failed' && file) failed(file, Object.assign(new Error(m.message), { code: m.code }));
  });
  const gone = (error) => {
    if (hasher === w) hasher = null;
    const waiter = hashWaiter;
    hashWaiter = null;
    const lost = Object.assign(new Error('the hashing thread stopped' + (error ? ': ' + error.message : '')), { code: 'EHASH' });
    if (waiter) waiter.done({ type: 'failed', seq: waiter.seq, aborted: false, code: lost.code, message: lost.message });
    else if (file) failed(file, lost);
  };
  w.on('error', gone);
  w.on('exit', () => gone(null));
  hasher = w;
  return w;
}

/** Asks the hashing thread and resolves with its answer, matched by seq (one ask at a time). */
function askHasher(message) {
  return new Promise((resolve) => {
    const seq = ++hashSeq;
    hashWaiter = { seq, done: resolve };
    hashThread().postMessage({ ...message, seq });
  });
}

// ---- the file: opened once the hashing thread holds the hash of its first bytes ----

async function open(m) {
  const op = { aborted: false };
  opening = op;
  let fd = null;
  try {
    if (file) throw Object.assign(new Error('a partial file is already open'), { code: 'EBUSY' });
    fd = await new Promise((resolve, reject) => fs.open(m.path, 'a', (e, fd) => (e ? reject(e) : resolve(fd))));
    const r = await askHasher({ type: 'open', path: m.path, have: m.have });
    if (r.type === 'failed') throw Object.assign(new Error(r.message), { code: r.code });
    file = { path: m.path, fd, written: m.have, posted: m.have, hashed: m.have, queue: [], queued: 0, writing: false, unsynced: 0, syncing: null, syncError: null, failure: null, idle: [] };
    send({ type: 'opened', bytes: r.bytes });
  } catch (error) {
    if (fd !== null) fs.close(fd, () => {});
    send({ type: 'failed', op: 'open', aborted: op.aborted, ...info(error) });
  } finally {
    if (opening === op) opening = null;
  }
}

// ---- the write queue: one writev at a time, so the chunks that came during one write go in the next ----

function pump(f) {
  if (f.writing) return;
  if (f.failure || f.queue.length === 0) {
    for (const w of f.idle.splice(0)) w();
    return;
  }
  f.writing = true;
  if (f.queue[0] === TRUNCATE) {
    f.queue.shift();
    // The hashing thread lets go of the old bytes first; then the file is emptied under nobody.
    Promise.resolve(f.syncing)
      .then(() => askHasher({ type: 'truncate' }))
      .then(() => new Promise((resolve, reject) => fs.ftruncate(f.fd, 0, (e) => (e ? reject(e) : resolve()))))
      .then(
        () => {
          f.writing = false;
          f.written = 0;
          f.posted = 0;
          f.hashed = 0;
          written(f, 0);
        },
        (e) => {
          f.writing = false;
          failed(f, e);
        },
      );
    return;
  }
  let n = 0;
  while (n < f.queue.length && f.queue[n] !== TRUNCATE) n++;
  const chunks = f.queue.splice(0, n);
  let len = 0;
  for (const c of chunks) len += c.length;
  fs.writev(f.fd, chunks, (error, wrote) => {
    f.writing = false;
    if (error) return failed(f, error);
    // libuv writes every byte or fails: a short count is a broken promise, not something to go on from.
    if (wrote !== len) return failed(f, Object.assign(new Error('wrote ' + wrote + ' of ' + len + ' bytes'), { code: 'EIO' }));
    written(f, len);
  });
}

function written(f, len) {
  f.queued -= len;
  f.unsynced += len;
  f.written += len;
  if (f.written - f.posted >= HASH_STEP) {
    f.posted = f.written;
    hashThread().postMessage({ type: 'written', to: f.written });
  }
  if (f.unsynced >= SYNC_EVERY && !f.syncing) {
    f.unsynced = 0;
    // One at a time, while the writes go on; a failure is the close's to report.
    const syncing = new Promise((resolve) =>
      fs.fdatasync(f.fd, (e) => {
        if (e) f.syncError = f.syncError || e;
        if (f.syncing === syncing) f.syncing = null;
        resolve();
      }),
    );
    f.syncing = syncing;
  }
  unthrottle(f);
  pump(f);
}

/**
 * A write (or the hash) failed: the body stops, and the close says why. A write already in flight is let finish
 * (the close waits for it): the descriptor must not be closed under it.
 */
function failed(f, error) {
  f.failure = f.failure || error;
  for (const c of f.queue) if (c !== TRUNCATE) f.queued -= c.length;
  f.queue.length = 0;
  if (transfer && transfer.phase === 'body') end(transfer, 'disk');
  pump(f);
}

function append(f, chunk) {
  f.queue.push(chunk);
  f.queued += chunk.length;
  pump(f);
}

async function close() {
  const f = file;
  try {
    if (!f) throw Object.assign(new Error('no partial file is open'), { code: 'ENOTOPEN' });
    if (f.writing || f.queue.length > 0) await new Promise((resolve) => f.idle.push(resolve));
    if (f.failure) throw f.failure;
    // The file is the truth: a length that differs from what was written means the two parted somewhere.
    const { size } = await new Promise((resolve, reject) => fs.fstat(f.fd, (e, st) => (e ? reject(e) : resolve(st))));
    if (size !== f.written) {
      throw Object.assign(new Error('the partial file holds ' + size + ' bytes where ' + f.written + ' were written'), { code: 'ESIZE' });
    }
  } catch (error) {
    // The hashing thread lets go of the file too; what it has hashed of it stays true of the file's first bytes.
    // A sync in flight ends before the descriptor is closed under it.
    if (f) await Promise.all([askHasher({ type: 'release' }), f.syncing]);
    release(f);
    return send({ type: 'failed', op: 'close', aborted: false, ...info(error) });
  }
  // The last bytes go to the disk (after the sync in flight, if any) while the hashing thread catches up: the
  // fsync before the rename finds little left.
  const flushed = Promise.resolve(f.syncing).then(() => new Promise((resolve) => fs.fdatasync(f.fd, (e) => resolve(e || f.syncError))));
  const r = await askHasher({ type: 'close', to: f.written });
  const flushError = await flushed;
  release(f);
  if (r.type === 'failed') return send({ type: 'failed', op: 'close', aborted: false, code: r.code, message: r.message });
  if (flushError) return send({ type: 'failed', op: 'close', aborted: false, ...info(flushError) });
  send({ type: 'closed', bytes: r.bytes, digest: r.digest });
}

function release(f) {
  if (!f) return;
  file = null;
  fs.close(f.fd, () => {});
}

function truncate() {
  const f = file;
  if (!f || f.failure) return;
  f.queue.push(TRUNCATE);
  pump(f);
}
`;
