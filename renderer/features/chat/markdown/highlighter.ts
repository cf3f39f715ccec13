import { useEffect, useRef, useState } from 'react';
import type { HighlightRequest, HighlightResponse } from './highlight.worker';
import { type CodeLines, type LangName, tokenize } from './tokenize';

/** Highlighted lines for some text of a code block: the block's current text or, while it streams, a prefix of it. */
export interface Highlight {
  code: string;
  lang: LangName;
  lines: CodeLines;
}

const CACHE_MAX = 200;
const cache = new Map<string, CodeLines>();
const cacheKey = (code: string, lang: LangName): string => `${lang}\u0000${code}`;

function remember(key: string, lines: CodeLines): void {
  cache.delete(key);
  cache.set(key, lines);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
}

interface Pending {
  code: string;
  lang: LangName;
  resolve: (lines: CodeLines) => void;
  reject: (err: Error) => void;
}

/** undefined: not started yet; null: no worker here (it failed to start), so highlight on this thread. */
let worker: Worker | null | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function startWorker(): Worker | null {
  try {
    const w = new Worker(new URL('./highlight.worker.ts', import.meta.url), { type: 'module', name: 'highlight' });
    w.onmessage = (e: MessageEvent<HighlightResponse>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if ('lines' in e.data) p.resolve(e.data.lines);
      else p.reject(new Error(e.data.error));
    };
    // The script did not load (a page where workers are not allowed): the same code runs here instead.
    w.onerror = (e) => {
      e.preventDefault();
      w.terminate();
      worker = null;
      const left = [...pending.values()];
      pending.clear();
      for (const p of left) inThread(p);
    };
    return w;
  } catch {
    return null;
  }
}

function inThread(p: Pending): void {
  tokenize(p.code, p.lang).then(p.resolve, p.reject);
}

/** Highlights `code` off the main thread (or on it, where no worker can start); repeated text comes from a cache. */
export function highlight(code: string, lang: LangName): Promise<CodeLines> {
  const key = cacheKey(code, lang);
  const hit = cache.get(key);
  if (hit) return Promise.resolve(hit);
  return new Promise<CodeLines>((resolve, reject) => {
    const p: Pending = {
      code,
      lang,
      resolve: (lines) => {
        remember(key, lines);
        resolve(lines);
      },
      reject,
    };
    if (worker === undefined) worker = startWorker();
    if (worker === null) return inThread(p);
    const id = nextId++;
    pending.set(id, p);
    worker.postMessage({ id, code, lang } satisfies HighlightRequest);
  });
}

/**
 * The highlight for a code block whose text may grow (while its answer streams): at most one request in flight
 * per block, and when it comes back the newest text is asked for next. Lines that did not change keep their
 * arrays, so their rendered spans are left alone.
 */
export function useHighlight(code: string, lang: LangName | null): Highlight | null {
  const [result, setResult] = useState<Highlight | null>(() => {
    const hit = lang ? cache.get(cacheKey(code, lang)) : undefined;
    return hit && lang ? { code, lang, lines: hit } : null;
  });
  const latest = useRef({ code, lang });
  const busy = useRef(false);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // Declared before the effect that starts a request, so a request that comes back sees the newest text.
  useEffect(() => {
    latest.current = { code, lang };
  }, [code, lang]);

  useEffect(() => {
    if (!lang || busy.current) return;
    const run = (text: string, grammar: LangName): void => {
      busy.current = true;
      const done = (): void => {
        busy.current = false;
        const next = latest.current;
        if (alive.current && next.lang && (next.code !== text || next.lang !== grammar)) run(next.code, next.lang);
      };
      highlight(text, grammar).then((lines) => {
        if (alive.current) setResult((prev) => ({ code: text, lang: grammar, lines: reuseLines(prev, lines) }));
        done();
      }, done);
    };
    run(code, lang);
  }, [code, lang]);

  return lang && result?.lang === lang ? result : null;
}

/** The new lines, with each line that is unchanged from the previous highlight replaced by the previous array. */
export function reuseLines(prev: Highlight | null, lines: CodeLines): CodeLines {
  if (!prev) return lines;
  return lines.map((line, i) => {
    const old = prev.lines[i];
    return old && sameLine(old, line) ? old : line;
  });
}

function sameLine(a: CodeLines[number], b: CodeLines[number]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const u = b[i]!;
      return t.text === u.text && t.light === u.light && t.dark === u.dark && t.style === u.style;
    })
  );
}

/**
 * What of `code` can be shown highlighted: the highlight's complete lines if `code` still starts with its text
 * (the last line may still be growing, so only an exact match shows it), and the rest as plain text.
 */
export function visibleLines(code: string, h: Highlight | null): { lines: CodeLines; rest: string } {
  if (!h || !code.startsWith(h.code)) return { lines: [], rest: code };
  if (h.code === code) return { lines: h.lines, rest: '' };
  const lines = h.lines.slice(0, -1);
  let offset = 0;
  for (const line of lines) offset += line.reduce((n, t) => n + t.text.length, 0) + 1;
  return { lines, rest: code.slice(offset) };
}
