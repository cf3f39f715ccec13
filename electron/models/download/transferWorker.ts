import { PART_FILE_SOURCE } from './partFileWorker';

/**
 * The worker thread behind TransferThread, as source text run with `eval: true`: a worker needs a file of its
 * own, and text travels through electron-vite, vitest and tsx alike with no extra build entry. Plain CommonJS,
 * no imports but Node's. It does what the bytes need and decides nothing: which address to ask, with which
 * headers, and what an answer's status and headers mean are the main thread's (httpGet.ts, partTransfer.ts).
 *
 * Why a thread: on the main thread of a process that has loaded zod (Hearth's does), V8 began a full
 * mark-compact about every 15 MB of socket buffers, and receiving a file and throwing it away cost more CPU
 * than receiving, hashing and writing it here, on an isolate that holds nothing else (bench/RESULTS.md).
 * This file is the request's half of the script; the partial file's half (its writes, and the hashing thread
 * that reads them back) is partFileWorker.ts, joined in here.
 *
 * In: `open { path, have }`, `request { id, url, headers, stallMs }`, `body { id, expected, sniff }`,
 * `discard { id }`, `abort`, `truncate`, `close`, `forget { path }`.
 * Out: `opened { bytes }` or `failed { op: 'open' }`; `head { id, status, headers }` or `headFailed { id }`;
 * `progress { id, received }` (at most every PROGRESS_MS) then one `end { id, outcome, received }`;
 * `closed { bytes, digest }` or `failed { op: 'close' }`.
 * The main thread waits for each answer before the next step, so one partial file and one request at a time.
 */
export const TRANSFER_WORKER_SOURCE =
  String.raw`
const { parentPort, Worker, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const send = (m) => parentPort.postMessage(m);
const info = (error) => ({
  code: error && typeof error.code === 'string' ? error.code : null,
  message: String(error && error.message ? error.message : error),
});
` +
  PART_FILE_SOURCE +
  String.raw`
const PROGRESS_MS = 50;
/** A body no larger than this is read to its end when dropped, so that the connection can be used again. */
const DRAIN_MAX = 64 * 1024;
/** Bytes held while the main thread looks at the head, before the response is paused. */
const HELD_MAX = 4 * 1024 * 1024;
const LOOKS_LIKE_HTML = /^\s*<(!doctype html|html|head|body)\b/i;

/** The request running now: head, then (once the main thread says so) body. */
let transfer = null;

/** Whether the body should wait: for the disk (too much queued) or for the hash (too much written unhashed). */
const behind = (f) => f.queued >= HIGH_WATER || f.written - f.hashed >= HASH_LAG;

function throttle(t, f) {
  if (t.waiting || !behind(f)) return;
  // The disk or the hash, not the network, is what the body waits for now: the stall timer waits too.
  t.waiting = true;
  hold(t);
  t.res.pause();
}

function unthrottle(f) {
  const t = transfer;
  if (!t || t.phase !== 'body' || !t.waiting || behind(f)) return;
  t.waiting = false;
  arm(t);
  t.res.resume();
}

// ---- the request: its stall timer, its head, its body ----

/** One timer per request, pushed back on each chunk: refresh allocates nothing, and a chunk comes every few µs. */
function arm(t) {
  if (t.timer) t.timer.refresh();
  else t.timer = setTimeout(() => stalled(t), t.stallMs);
}

function hold(t) {
  if (t.timer) clearTimeout(t.timer);
  t.timer = null;
}

function stalled(t) {
  t.timer = null;
  t.stalled = true;
  stop(t, 'stall');
}

/** Ends the request for a reason of ours (stall, abort, a refused body); the answer goes out once, as its phase has it. */
function stop(t, outcome) {
  if (t.phase === 'head') {
    t.req.destroy();
    return headFailed(t, new Error(outcome === 'stall' ? 'stalled' : 'aborted'));
  }
  if (t.phase === 'body') return end(t, outcome);
  // Between the head and the main thread's word on it: the word will find it ended.
  t.ended = t.ended || outcome;
  hold(t);
  t.res.destroy();
}

function request(m) {
  // The main thread ends each request before the next; one left over is dropped, never answered.
  if (transfer) {
    const old = transfer;
    transfer = null;
    old.phase = 'done';
    hold(old);
    if (old.res) old.res.destroy();
    if (old.req) old.req.destroy();
  }
  const t = { id: m.id, stallMs: m.stallMs, phase: 'head', req: null, res: null, resError: null, timer: null, stalled: false, aborted: false };
  t.ended = null;
  t.received = 0;
  t.lastProgress = 0;
  transfer = t;
  arm(t);
  let url;
  try {
    url = new URL(m.url);
  } catch (error) {
    return headFailed(t, error);
  }
  const lib = url.protocol === 'https:' ? https : http;
  t.req = lib.request(url, { method: 'GET', headers: m.headers }, (res) => {
    // Kept for the body's end; none may go unhandled and stop the thread.
    res.on('error', (error) => {
      t.resError = t.resError || error;
    });
    if (t.phase !== 'head') return res.destroy();
    t.res = res;
    t.phase = 'decide';
    t.held = [];
    t.heldBytes = 0;
    t.closed = null;
    arm(t);
    // Flowing from the first byte, on purpose: a chunk that reaches the parser is never lost, even when the
    // connection then breaks. A paused response loses what it buffered when Node destroys it for a premature
    // close, and a resume would then ask again for bytes that had arrived. While the main thread looks at the
    // head, the chunks wait here.
    res.on('data', (chunk) => {
      if (t.phase === 'body') return take(t, chunk);
      if (t.phase !== 'decide') return;
      arm(t);
      t.held.push(chunk);
      t.heldBytes += chunk.length;
      if (t.heldBytes >= HELD_MAX) res.pause();
    });
    res.once('end', () => finish(t, 'complete'));
    res.once('close', () => {
      if (!res.complete) finish(t, 'broke', t.resError || new Error('the connection closed before the end of the file'));
    });
    const h = res.headers;
    send({
      type: 'head',
      id: t.id,
      status: res.statusCode || 0,
      headers: {
        location: h.location ?? null,
        contentRange: h['content-range'] ?? null,
        contentType: h['content-type'] ?? null,
        contentLength: h['content-length'] ?? null,
      },
    });
  });
  t.req.on('error', (error) => {
    if (t.phase === 'head') headFailed(t, error);
  });
  t.req.end();
}

function headFailed(t, error) {
  if (t.phase !== 'head') return;
  t.phase = 'done';
  hold(t);
  if (transfer === t) transfer = null;
  send({ type: 'headFailed', id: t.id, stalled: t.stalled, aborted: t.aborted, ...info(error) });
}

/** The response ended (or broke): the body ends now, or as soon as the main thread asks for it. */
function finish(t, outcome, error) {
  if (t.phase === 'body') return end(t, outcome, error);
  if (t.phase === 'decide' && !t.closed) t.closed = { outcome, error };
}

/**
 * Hands the body to the file: first the chunks that came while the main thread looked at the head, then each
 * one the moment the parser has it, into the write queue (the hashing thread reads them back once written).
 */
function body(m) {
  const t = transfer;
  if (!t || t.id !== m.id || t.phase !== 'decide') {
    return send({ type: 'end', id: m.id, outcome: 'aborted', received: 0, message: null });
  }
  t.phase = 'body';
  t.expected = m.expected;
  t.sniff = m.sniff;
  const held = t.held;
  t.held = null;
  for (const chunk of held) if (t.phase === 'body') take(t, chunk);
  if (t.phase !== 'body') return;
  // Stopped (a stall, an abort) or ended while the main thread looked at the head.
  if (t.ended) return end(t, t.ended);
  if (t.closed) return end(t, t.closed.outcome, t.closed.error);
  if (t.res.isPaused() && !t.waiting) t.res.resume();
}

function take(t, chunk) {
  const f = file;
  arm(t);
  if (t.received === 0 && t.sniff && LOOKS_LIKE_HTML.test(chunk.subarray(0, 64).toString('latin1'))) return end(t, 'html');
  if (t.received + chunk.length > t.expected) return end(t, 'overflow');
  if (!f || f.failure) return end(t, 'disk');
  t.received += chunk.length;
  append(f, chunk);
  throttle(t, f);
  const now = performance.now();
  if (now - t.lastProgress >= PROGRESS_MS) {
    t.lastProgress = now;
    send({ type: 'progress', id: t.id, received: t.received });
  }
}

function end(t, outcome, error) {
  if (t.phase !== 'body') return;
  t.phase = 'done';
  hold(t);
  if (transfer === t) transfer = null;
  if (outcome !== 'complete') t.res.destroy();
  const message = error ? info(error).message : null;
  send({ type: 'end', id: t.id, outcome, received: t.received, message });
}

function discard(m) {
  const t = transfer;
  if (!t || t.id !== m.id || t.phase !== 'decide') return;
  t.phase = 'done';
  hold(t);
  transfer = null;
  t.held = null;
  // A small body is read to its end (the data handler drops it), so the connection can serve the next request.
  const length = Number(t.res.headers['content-length']);
  if (Number.isFinite(length) && length <= DRAIN_MAX) t.res.resume();
  else t.res.destroy();
}

function abort() {
  if (opening) {
    opening.aborted = true;
    if (hasher) hasher.postMessage({ type: 'abort' });
  }
  const t = transfer;
  if (!t) return;
  t.aborted = true;
  stop(t, 'aborted');
}

parentPort.on('message', (m) => {
  switch (m.type) {
    case 'open':
      return void open(m);
    case 'request':
      return request(m);
    case 'body':
      return body(m);
    case 'discard':
      return discard(m);
    case 'abort':
      return abort();
    case 'truncate':
      return truncate();
    case 'close':
      return void close();
    case 'forget':
      return void hashThread().postMessage(m);
  }
});
`;
